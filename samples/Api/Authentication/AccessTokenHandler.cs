using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Api.Authentication;

/// <summary>
/// Reads the bearer token from the Authorization header (RFC 6750 §2.1; no query or form tokens) and validates it;
/// a DPoP-bound token (RFC 9449 §7.1) only with the <c>DPoP</c> scheme and a proof by its key.
/// A challenge answers 401 with <c>WWW-Authenticate</c>: bare when no token came, <c>invalid_token</c> when one was refused.
/// </summary>
public sealed class AccessTokenHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    AccessTokenValidator validator,
    DPoPProofValidator dpop)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggerFactory, encoder)
{
    private const string BearerPrefix = "Bearer ";
    private const string DPoPPrefix = "DPoP ";
    private const string DPoPFailureItem = "Api.DPoPFailure";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var authorization = Request.Headers.Authorization;
        if (authorization.Count == 0)
            return AuthenticateResult.NoResult();
        if (authorization.Count > 1)
            return AuthenticateResult.Fail("More than one Authorization header.");

        var value = authorization[0] ?? "";
        var dpopScheme = value.StartsWith(DPoPPrefix, StringComparison.OrdinalIgnoreCase);
        if (!dpopScheme && !value.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase))
            return AuthenticateResult.NoResult(); // another scheme: not ours to judge

        var token = value[(dpopScheme ? DPoPPrefix : BearerPrefix).Length..].Trim();
        if (token.Length == 0)
            return AuthenticateResult.Fail("The Authorization header has no token.");

        var result = await validator.ValidateAsync(token, Context.RequestAborted);
        if (result.Principal is not { } principal)
            return AuthenticateResult.Fail(result.Error ?? "The access token is not valid.");
        if (await DPoPFailureAsync(result.BoundThumbprint, token, dpopScheme) is { } dpopFailure)
        {
            Context.Items[DPoPFailureItem] = true;
            return AuthenticateResult.Fail(dpopFailure);
        }
        return AuthenticateResult.Success(new AuthenticationTicket(principal, Scheme.Name));
    }

    /// <summary>RFC 9449 §7.1, §7.2: a bound token needs the DPoP scheme and a proof by its key; the DPoP scheme needs a bound token.</summary>
    private async Task<string?> DPoPFailureAsync(string? boundThumbprint, string token, bool dpopScheme)
    {
        if (boundThumbprint is null)
            return dpopScheme ? "The access token is not DPoP-bound." : null;
        if (!dpopScheme)
            return "The access token is DPoP-bound; send it with the DPoP scheme and a proof.";
        return await dpop.ValidateAsync(Request, token, boundThumbprint);
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var result = await HandleAuthenticateOnceSafeAsync();
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers[HeaderNames.WWWAuthenticate] = result.Failure is { } failure
            ? Context.Items.ContainsKey(DPoPFailureItem) ? BearerChallenge.ForInvalidDPoPProof(failure.Message) : BearerChallenge.ForInvalidToken(failure.Message)
            : BearerChallenge.Bare;
    }
}
