using Idp.Data.Entities;
using Idp.Protocol.DPoP;
using Idp.Protocol.Tokens;
using Microsoft.AspNetCore.Identity;

namespace Idp.Protocol.UserInfo;

/// <summary>
/// OpenID Connect Core §5.3, with bearer tokens as RFC 6750 §2.1 (header) and §2.2 (form body) describe, and
/// DPoP-bound tokens as RFC 9449 §7.1 does (<c>Authorization: DPoP</c> and a proof).
/// </summary>
public sealed class UserInfoEndpoint(OwnTokenValidator validator, UserManager<IdpUser> users, DPoPRequests dpop)
{
    public async Task<IResult> HandleAsync(HttpContext http)
    {
        string? token = null;
        var authorization = http.Request.Headers.Authorization.ToString();
        var dpopScheme = authorization.StartsWith(DPoPRequests.Scheme + " ", StringComparison.OrdinalIgnoreCase);
        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            token = authorization["Bearer ".Length..].Trim();
        else if (dpopScheme)
            token = authorization[(DPoPRequests.Scheme.Length + 1)..].Trim();
        if (HttpMethods.IsPost(http.Request.Method) && http.Request.HasFormContentType)
        {
            var (parameters, error) = await RequestParameters.ReadAsync(http.Request, allowQuery: false);
            if (parameters is null)
                return Challenge(StatusCodes.Status400BadRequest, Errors.InvalidRequest, error!.Description);
            if (parameters[Parameters.AccessToken] is { } formToken)
            {
                if (token is not null)
                    return Challenge(StatusCodes.Status400BadRequest, Errors.InvalidRequest, "Send the access token once, not in the header and the body.");
                token = formToken;
            }
        }
        if (string.IsNullOrEmpty(token))
            return Challenge(StatusCodes.Status401Unauthorized, null, null);

        var info = await validator.ValidateAccessTokenAsync(token, cancellationToken: http.RequestAborted);
        if (info is null || !info.HasUser)
            return Challenge(StatusCodes.Status401Unauthorized, Errors.InvalidToken, "The access token is invalid, expired or revoked.");
        if (await DPoPRefusalAsync(http, info, token, dpopScheme) is { } refusal)
            return refusal;
        if (!info.Scopes.Contains(Scopes.OpenId))
            return Challenge(StatusCodes.Status403Forbidden, Errors.InsufficientScope, "The access token lacks the openid scope.");
        var user = await users.FindByIdAsync(info.Subject);
        if (user is null)
            return Challenge(StatusCodes.Status401Unauthorized, Errors.InvalidToken, "The user no longer exists.");

        var claims = new Dictionary<string, object> { ["sub"] = user.Id };
        UserClaims.Add(claims, user, info.Scopes);
        // Claims requested for userinfo (OpenID Connect Core §5.5), limited at issue time to what the client may receive.
        if (info.Token.TryGetPayloadValue<string[]>(TokenIssuer.UserInfoClaimsClaim, out var requested))
            UserClaims.AddRequested(claims, user, requested);
        return ProtocolResults.Json(claims);
    }

    /// <summary>
    /// RFC 9449 §7.1, §7.2: a bound token only with the DPoP scheme and a proof (with <c>ath</c>) by its key; the DPoP
    /// scheme only with a bound token. Null when the request passes.
    /// </summary>
    private async Task<IResult?> DPoPRefusalAsync(HttpContext http, AccessTokenInfo info, string token, bool dpopScheme)
    {
        var bound = DPoPKeys.BoundThumbprint(info.Token);
        if (bound is null)
            return dpopScheme ? DPoPChallenge(Errors.InvalidToken, "The access token is not DPoP-bound; send it as a Bearer token.") : null;
        if (!dpopScheme)
            return DPoPChallenge(Errors.InvalidToken, "The access token is DPoP-bound; send it with the DPoP scheme and a proof.");
        var proof = await dpop.ForResourceAsync(http, EndpointPaths.UserInfo, token);
        if (proof.NeedsNonce)
            return dpop.WithNonce(DPoPChallenge(DPoPRequests.UseNonce, "Send the DPoP-Nonce of this response in the proof."));
        if (proof.Refusal is not null)
            return DPoPChallenge(DPoPRequests.InvalidProof, "The DPoP proof is invalid.");
        return proof.Thumbprint == bound ? null : DPoPChallenge(DPoPRequests.InvalidProof, "The DPoP proof is signed by another key than the token is bound to.");
    }

    private static IResult Challenge(int status, string? error, string? description) => new BearerChallenge(status, error, description);

    private static IResult DPoPChallenge(string error, string description) =>
        new BearerChallenge(StatusCodes.Status401Unauthorized, error, description, $"{DPoPRequests.Scheme} algs=\"{string.Join(' ', DPoPKeys.Algorithms)}\"");

    /// <summary>RFC 6750 §3 (RFC 9449 §7.1 for the DPoP scheme): the error is told in the WWW-Authenticate header.</summary>
    private sealed class BearerChallenge(int status, string? error, string? description, string scheme = "Bearer realm=\"idp\"") : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            var value = scheme;
            if (error is not null)
                value += $", error=\"{error}\"";
            if (description is not null)
                value += $", error_description=\"{description.Replace("\"", "'")}\"";
            httpContext.Response.StatusCode = status;
            httpContext.Response.Headers.WWWAuthenticate = value;
            httpContext.Response.Headers.CacheControl = "no-store";
            return Task.CompletedTask;
        }
    }
}
