using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Api.Authentication;

/// <summary>
/// Reads the bearer token from the Authorization header (RFC 6750 §2.1; no query or form tokens) and validates it.
/// A challenge answers 401 with <c>WWW-Authenticate</c>: bare when no token came, <c>invalid_token</c> when one was refused.
/// </summary>
public sealed class AccessTokenHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    AccessTokenValidator validator)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggerFactory, encoder)
{
    private const string BearerPrefix = "Bearer ";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var authorization = Request.Headers.Authorization;
        if (authorization.Count == 0)
            return AuthenticateResult.NoResult();
        if (authorization.Count > 1)
            return AuthenticateResult.Fail("More than one Authorization header.");

        var value = authorization[0] ?? "";
        if (!value.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase))
            return AuthenticateResult.NoResult(); // another scheme: not ours to judge

        var token = value[BearerPrefix.Length..].Trim();
        if (token.Length == 0)
            return AuthenticateResult.Fail("The Authorization header has no token.");

        var result = await validator.ValidateAsync(token, Context.RequestAborted);
        return result.Principal is { } principal
            ? AuthenticateResult.Success(new AuthenticationTicket(principal, Scheme.Name))
            : AuthenticateResult.Fail(result.Error ?? "The access token is not valid.");
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var result = await HandleAuthenticateOnceSafeAsync();
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers[HeaderNames.WWWAuthenticate] = result.Failure is { } failure
            ? BearerChallenge.ForInvalidToken(failure.Message)
            : BearerChallenge.Bare;
    }
}
