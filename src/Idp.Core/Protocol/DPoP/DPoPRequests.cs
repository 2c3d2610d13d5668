using Idp.Configuration;
using Idp.Data.Entities;
using Microsoft.Extensions.Options;

namespace Idp.Protocol.DPoP;

/// <summary>The HTTP side of DPoP: reads the header of a request, checks the proof, and answers refusals (RFC 9449 §5, §7, §8).</summary>
public sealed partial class DPoPRequests(DPoPProofValidator validator, DPoPNonces nonces, IOptions<IdpOptions> options, ILogger<DPoPRequests> logger)
{
    public const string InvalidProof = "invalid_dpop_proof";
    public const string UseNonce = "use_dpop_nonce";
    public const string Scheme = "DPoP";

    /// <summary>The authorization request parameter binding the code to a key (RFC 9449 §10).</summary>
    public const string JktParameter = "dpop_jkt";

    /// <summary>
    /// The thumbprint to bind the tokens to (null without a proof), or the error to answer: §5 (a bad proof is
    /// <c>invalid_dpop_proof</c>), §8 (a missing or stale nonce is <c>use_dpop_nonce</c> with a fresh one).
    /// </summary>
    public async Task<(string? Thumbprint, IResult? Error)> ForTokenRequestAsync(HttpContext http, Client client)
    {
        var proof = DPoPProofValidator.ReadHeader(http.Request, out var several);
        if (proof is null)
        {
            // RequireDPoP, or a profile that demands sender-constrained tokens (FAPI 2.0 §5.3.2.1).
            if (!client.RequireDPoP && !Clients.ClientProfiles.RequiresSenderConstraint(client))
                return (null, null);
            LogRefused(client.ClientId, "missing proof");
            return (null, TokenError(InvalidProof, "This client must send a DPoP proof."));
        }
        var result = several
            ? new DPoPProofResult(null, DPoPRefusal.MultipleHeaders)
            : await validator.ValidateAsync(proof, HttpMethods.Post, options.Value.Issuer + EndpointPaths.Token, null, http.RequestAborted);
        if (result.Refusal is { } refusal)
        {
            LogRefused(client.ClientId, refusal.ToString());
            return (null, result.NeedsNonce
                ? WithNonce(TokenError(UseNonce, "Send the DPoP-Nonce of this response in the proof."))
                : TokenError(InvalidProof, "The DPoP proof is invalid."));
        }
        return (result.Thumbprint, null);
    }

    /// <summary>A proof sent with an access token to a protected resource of ours at <paramref name="path"/> (§7.1).</summary>
    public async Task<DPoPProofResult> ForResourceAsync(HttpContext http, string path, string accessToken)
    {
        var proof = DPoPProofValidator.ReadHeader(http.Request, out var several);
        var result = proof is null ? new DPoPProofResult(null, DPoPRefusal.Malformed)
            : several ? new DPoPProofResult(null, DPoPRefusal.MultipleHeaders)
            : await validator.ValidateAsync(proof, http.Request.Method, options.Value.Issuer + path, accessToken, http.RequestAborted);
        if (result.Refusal is { } refusal)
            LogRefusedAtResource(path, refusal.ToString());
        return result;
    }

    /// <summary>§8.2: with nonces required, every response may carry the next nonce to use.</summary>
    public IResult WithNonce(IResult result) => nonces.Required ? new HeaderResult(result, DPoPNonces.HeaderName, nonces.Create()) : result;

    private static IResult TokenError(string error, string description) => ProtocolResults.Error(new ProtocolError(error, description));

    private sealed class HeaderResult(IResult inner, string name, string value) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers[name] = value;
            return inner.ExecuteAsync(httpContext);
        }
    }

    [LoggerMessage(EventId = 1145, Level = LogLevel.Information, Message = "DPoP proof of {ClientId} at the token endpoint refused: {Reason}")]
    private partial void LogRefused(string clientId, string reason);

    [LoggerMessage(EventId = 1146, Level = LogLevel.Information, Message = "DPoP proof at {Path} refused: {Reason}")]
    private partial void LogRefusedAtResource(string path, string reason);
}
