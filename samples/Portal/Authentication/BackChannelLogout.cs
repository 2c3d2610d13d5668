using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Portal.Authentication;

/// <summary>
/// OpenID Connect Back-Channel Logout 1.0: Idp posts a signed logout token when the user's Idp session ends; the portal
/// remembers the ended <c>sid</c> (or, without one, the <c>sub</c> and the time) and its cookie handler refuses the matching
/// sessions from then on. Kept in memory: a portal on several nodes needs a shared store instead.
/// </summary>
public sealed class EndedSessions(TimeProvider clock)
{
    /// <summary>As long as a portal session can live: older entries can match no cookie any more.</summary>
    private static readonly TimeSpan Retention = TimeSpan.FromHours(8);

    private readonly ConcurrentDictionary<string, DateTimeOffset> ended = new(StringComparer.Ordinal);

    public void End(string? sid, string? sub)
    {
        var now = clock.GetUtcNow();
        foreach (var (key, at) in ended)
        {
            if (now - at > Retention)
                ended.TryRemove(key, out _);
        }

        if (!string.IsNullOrEmpty(sid))
            ended[Key("sid", sid)] = now;
        else if (!string.IsNullOrEmpty(sub))
            ended[Key("sub", sub)] = now;
    }

    /// <summary>True when Idp ended this session's sid, or every session of its sub after the session was made.</summary>
    public bool HasEnded(string? sid, string? sub, DateTimeOffset? sessionIssued) =>
        (!string.IsNullOrEmpty(sid) && ended.ContainsKey(Key("sid", sid)))
        || (!string.IsNullOrEmpty(sub) && ended.TryGetValue(Key("sub", sub), out var at) && (sessionIssued is not { } issued || issued <= at));

    private static string Key(string kind, string value) => kind + ":" + value;
}

public static class BackChannelLogout
{
    public const string EventType = "http://schemas.openid.net/event/backchannel-logout";

    private static readonly JsonWebTokenHandler Handler = new() { MapInboundClaims = false };

    public static IServiceCollection AddBackChannelLogout(this IServiceCollection services)
    {
        services.AddSingleton<EndedSessions>();
        return services;
    }

    /// <summary>The back-channel logout endpoint: form-encoded <c>logout_token</c>; 200 when accepted, 400 otherwise (§2.8).</summary>
    public static IEndpointConventionBuilder MapBackChannelLogout(this IEndpointRouteBuilder endpoints, string pattern) =>
        endpoints.MapPost(pattern, async (HttpContext context, IdpMetadata metadata, EndedSessions sessions,
            IOptions<PortalOptions> options, TimeProvider clock, ILoggerFactory loggers) =>
        {
            context.Response.Headers.CacheControl = "no-store";
            var logger = loggers.CreateLogger(typeof(BackChannelLogout));
            var form = context.Request.HasFormContentType ? await context.Request.ReadFormAsync(context.RequestAborted) : null;
            var logoutToken = form?["logout_token"].ToString();
            if (string.IsNullOrEmpty(logoutToken))
                return Results.BadRequest(new { error = "invalid_request", error_description = "logout_token is required." });

            var configuration = await metadata.TryGetConfigurationAsync(context.RequestAborted);
            if (configuration is null)
                return Results.StatusCode(StatusCodes.Status503ServiceUnavailable);

            var (token, problem) = await ValidateAsync(logoutToken, configuration.Issuer, options.Value.ClientId, configuration.SigningKeys, clock);
            if (token is null)
            {
                Log.LogoutTokenRejected(logger, problem!);
                return Results.BadRequest(new { error = "invalid_request", error_description = "The logout token is not valid." });
            }

            token.TryGetPayloadValue<string>("sid", out var sid);
            sessions.End(sid, token.Subject);
            Log.BackChannelLogout(logger, token.Subject, sid);
            return Results.Ok();
        }).DisableAntiforgery();

    /// <summary>Back-Channel Logout 1.0 §2.6: signature, iss, aud, iat/exp, the logout event, sid or sub, and no nonce.</summary>
    public static async Task<(JsonWebToken? Token, string? Problem)> ValidateAsync(
        string logoutToken, string issuer, string clientId, IEnumerable<SecurityKey> keys, TimeProvider clock)
    {
        var result = await Handler.ValidateTokenAsync(logoutToken, new TokenValidationParameters
        {
            ValidIssuer = issuer,
            ValidAudience = clientId,
            IssuerSigningKeys = keys,
            ValidAlgorithms = [SecurityAlgorithms.RsaSha256, SecurityAlgorithms.EcdsaSha256],
            ValidTypes = ["logout+jwt", "JWT"],
            RequireSignedTokens = true,
            RequireExpirationTime = true,
            LifetimeValidator = (notBefore, expires, _, _) =>
            {
                var now = clock.GetUtcNow().UtcDateTime;
                return expires is { } exp && now < exp.AddMinutes(1) && (notBefore is not { } nbf || nbf.AddMinutes(-1) <= now);
            },
        });
        if (!result.IsValid)
            return (null, result.Exception?.GetType().Name ?? "invalid token");

        var token = (JsonWebToken)result.SecurityToken;
        if (!token.TryGetPayloadValue<long>("iat", out _))
            return (null, "no iat");
        if (!token.TryGetPayloadValue<JsonElement>("events", out var events) || events.ValueKind != JsonValueKind.Object
            || !events.TryGetProperty(EventType, out _))
            return (null, "no back-channel logout event");
        if (string.IsNullOrEmpty(token.Subject) && !token.TryGetPayloadValue<string>("sid", out _))
            return (null, "neither sid nor sub");
        if (token.TryGetPayloadValue<string>("nonce", out _))
            return (null, "a nonce (an ID token, not a logout token)");
        return (token, null);
    }

    /// <summary>The cookie handler's check on every request: a session Idp has ended is signed out.</summary>
    public static async Task RejectEndedSessionAsync(CookieValidatePrincipalContext context)
    {
        var sessions = context.HttpContext.RequestServices.GetRequiredService<EndedSessions>();
        var user = context.Principal;
        if (user is not null && sessions.HasEnded(user.FindFirst("sid")?.Value, user.FindFirst("sub")?.Value, context.Properties.IssuedUtc))
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(context.Scheme.Name);
        }
    }
}
