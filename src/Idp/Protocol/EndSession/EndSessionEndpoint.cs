using System.Text.Json;
using Idp.Authentication;
using Idp.Protocol.Authorize;
using Idp.Protocol.Clients;
using Idp.Protocol.Tokens;
using Microsoft.AspNetCore.DataProtection;

namespace Idp.Protocol.EndSession;

/// <summary>
/// OpenID Connect RP-Initiated Logout 1.0. The post-logout redirect URI must be registered exactly for the
/// client named by <c>id_token_hint</c> or <c>client_id</c>. A valid hint for the browser's own session signs
/// out at once; otherwise the user confirms on the sign-out page, so no other site can sign a user out.
/// </summary>
public sealed class EndSessionEndpoint(
    OwnTokenValidator validator,
    IClientStore clients,
    SessionService sessions,
    ILogoutInteraction logout,
    LogoutRequests requests)
{
    public const string SignOutPath = "/signout";

    public async Task<IResult> HandleAsync(HttpContext http)
    {
        var (parameters, readError) = await RequestParameters.ReadAsync(http.Request, allowQuery: true);
        if (parameters is null)
            return AuthorizeResponses.ErrorPage(readError!);

        Microsoft.IdentityModel.JsonWebTokens.JsonWebToken? hint = null;
        if (parameters[Parameters.IdTokenHint] is { } hintText)
        {
            hint = await validator.ValidateIdTokenHintAsync(hintText, http.RequestAborted);
            if (hint is null)
                return AuthorizeResponses.ErrorPage(new ProtocolError(Errors.InvalidRequest, "id_token_hint is not a valid ID token of this provider."));
        }

        var clientId = parameters[Parameters.ClientId];
        var hintedClient = hint?.Audiences.FirstOrDefault();
        if (clientId is not null && hintedClient is not null && clientId != hintedClient)
            return AuthorizeResponses.ErrorPage(new ProtocolError(Errors.InvalidRequest, "client_id differs from the audience of id_token_hint."));
        var client = await clients.FindAsync(clientId ?? hintedClient, http.RequestAborted);

        string? redirect = null;
        if (parameters[Parameters.PostLogoutRedirectUri] is { } postLogoutRedirectUri)
        {
            if (client is null)
                return AuthorizeResponses.ErrorPage(new ProtocolError(Errors.InvalidRequest, "post_logout_redirect_uri needs id_token_hint or client_id to identify the client."));
            if (!client.PostLogoutRedirectUris.Contains(postLogoutRedirectUri, StringComparer.Ordinal))
                return AuthorizeResponses.ErrorPage(new ProtocolError(Errors.InvalidRequest, "post_logout_redirect_uri is not registered for this client."));
            redirect = parameters[Parameters.State] is { } state
                ? AuthorizeResponses.AppendQuery(postLogoutRedirectUri, [(Parameters.State, state)])
                : postLogoutRedirectUri;
        }

        var session = await sessions.GetCurrentAsync(http);
        if (session is null)
            return redirect is not null ? Redirect(redirect) : Redirect(SignOutPath);

        var hintMatchesSession = hint is not null && hint.Subject == session.SubjectId
            && (!hint.TryGetPayloadValue<string>("sid", out var sid) || sid == session.Id);
        if (hintMatchesSession)
        {
            await logout.SignOutAsync(http, http.RequestAborted);
            return Redirect(redirect ?? SignOutPath);
        }

        var logoutId = requests.Protect(new LogoutContext(client?.DisplayName, redirect));
        return Redirect($"{SignOutPath}?logout_id={Uri.EscapeDataString(logoutId)}");
    }

    private static IResult Redirect(string location)
    {
        return new NoStoreRedirect(location);
    }

    private sealed class NoStoreRedirect(string location) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers.CacheControl = "no-store";
            httpContext.Response.StatusCode = StatusCodes.Status302Found;
            httpContext.Response.Headers.Location = location;
            return Task.CompletedTask;
        }
    }
}

/// <summary>A logout request carried to the sign-out page, tamper-proof and short-lived.</summary>
public sealed class LogoutRequests(IDataProtectionProvider dataProtection)
{
    private readonly ITimeLimitedDataProtector _protector = dataProtection.CreateProtector("Idp.Logout.v1").ToTimeLimitedDataProtector();

    public string Protect(LogoutContext context) => _protector.Protect(JsonSerializer.Serialize(context), TimeSpan.FromMinutes(15));

    public LogoutContext? Unprotect(string? logoutId)
    {
        if (string.IsNullOrEmpty(logoutId) || logoutId.Length > 4096)
            return null;
        try
        {
            return JsonSerializer.Deserialize<LogoutContext>(_protector.Unprotect(logoutId));
        }
        catch (Exception exception) when (exception is System.Security.Cryptography.CryptographicException or JsonException or FormatException)
        {
            return null;
        }
    }
}
