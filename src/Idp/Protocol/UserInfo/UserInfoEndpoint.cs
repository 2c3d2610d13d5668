using Idp.Data.Entities;
using Idp.Protocol.Tokens;
using Microsoft.AspNetCore.Identity;

namespace Idp.Protocol.UserInfo;

/// <summary>OpenID Connect Core §5.3, with bearer tokens as RFC 6750 §2.1 (header) and §2.2 (form body) describe.</summary>
public sealed class UserInfoEndpoint(OwnTokenValidator validator, UserManager<IdpUser> users)
{
    public async Task<IResult> HandleAsync(HttpContext http)
    {
        string? token = null;
        var authorization = http.Request.Headers.Authorization.ToString();
        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            token = authorization["Bearer ".Length..].Trim();
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

    private static IResult Challenge(int status, string? error, string? description) => new BearerChallenge(status, error, description);

    /// <summary>RFC 6750 §3: the error is told in the WWW-Authenticate header.</summary>
    private sealed class BearerChallenge(int status, string? error, string? description) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            var value = "Bearer realm=\"idp\"";
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
