using System.Text.Json;
using Idp.Configuration;
using Idp.Data;
using Idp.Data.Entities;
using Idp.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Idp.Protocol.Authorize;

/// <summary>
/// Authorization requests kept in the database: pushed by clients (RFC 9126) or parked while the user
/// interacts. Stored by the hash of their handle, so the table alone does not let anyone resume them. A parked
/// request is bound to the browser that parked it (the hash of a random cookie of that browser): another browser
/// holding the handle can neither read, answer nor resume it.
/// </summary>
public sealed class ParkedRequests(IdpDbContext db, TimeProvider clock, IOptions<IdpOptions> options)
{
    public const string RequestUriPrefix = "urn:ietf:params:oauth:request_uri:";
    public const string BrowserCookie = "idp.browser";

    /// <summary>Parks a request while the user interacts, bound to this browser and, when known, to the user.</summary>
    public Task<(string Handle, AuthorizationRequestRecord Record)> ParkAsync(HttpContext http, string clientId, RequestParameters parameters, string? subjectId, CancellationToken cancellationToken) =>
        CreateAsync(AuthorizationRequestKind.Interaction, clientId, parameters, cancellationToken, Hashing.Sha256(BrowserToken(http)), subjectId);

    /// <summary>The live interaction request behind a handle, when this browser parked it; otherwise null.</summary>
    public async Task<AuthorizationRequestRecord?> FindInteractionAsync(string? handle, HttpContext? http, CancellationToken cancellationToken)
    {
        var token = http?.Request.Cookies[BrowserCookie];
        if (string.IsNullOrEmpty(token) || token.Length > 100)
            return null;
        var record = await FindAsync(handle, AuthorizationRequestKind.Interaction, cancellationToken);
        return record?.BrowserBinding is { } binding && Hashing.FixedTimeEquals(binding, Hashing.Sha256(token)) ? record : null;
    }

    public async Task<(string Handle, AuthorizationRequestRecord Record)> CreateAsync(AuthorizationRequestKind kind, string clientId, RequestParameters parameters, CancellationToken cancellationToken, string? browserBinding = null, string? subjectId = null)
    {
        var now = clock.GetUtcNow();
        var handle = Hashing.RandomToken(32);
        var lifetime = kind == AuthorizationRequestKind.Pushed ? options.Value.Tokens.PushedRequestLifetime : options.Value.Tokens.InteractionLifetime;
        var record = new AuthorizationRequestRecord
        {
            Id = Hashing.Sha256(handle),
            Kind = kind,
            ClientId = clientId,
            Parameters = JsonSerializer.Serialize(parameters.Values),
            CreatedAt = now,
            ExpiresAt = now + lifetime,
            BrowserBinding = browserBinding,
            SubjectId = subjectId,
        };
        db.AuthorizationRequests.Add(record);
        await db.SaveChangesAsync(cancellationToken);
        return (handle, record);
    }

    /// <summary>The live (unexpired, unused) request behind a handle, or null.</summary>
    public async Task<AuthorizationRequestRecord?> FindAsync(string? handle, AuthorizationRequestKind kind, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(handle) || handle.Length > 100)
            return null;
        var id = Hashing.Sha256(handle);
        var now = clock.GetUtcNow();
        return await db.AuthorizationRequests.FirstOrDefaultAsync(
            r => r.Id == id && r.Kind == kind && r.ConsumedAt == null && r.ExpiresAt > now, cancellationToken);
    }

    /// <summary>Marks the request used; false when another request got there first (single use).</summary>
    public async Task<bool> ConsumeAsync(AuthorizationRequestRecord record, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var updated = await db.AuthorizationRequests
            .Where(r => r.Id == record.Id && r.ConsumedAt == null)
            .ExecuteUpdateAsync(r => r.SetProperty(x => x.ConsumedAt, now), cancellationToken);
        record.ConsumedAt = now;
        return updated == 1;
    }

    /// <summary>This browser's interaction token; made (and set as an HttpOnly cookie) when it has none.</summary>
    private static string BrowserToken(HttpContext http)
    {
        if (http.Request.Cookies[BrowserCookie] is { Length: > 0 and <= 100 } existing)
            return existing;
        if (http.Items[BrowserCookie] is string made)
            return made;
        var token = Hashing.RandomToken(32);
        // HttpOnly, SameSite and Secure (for https issuers) also come from the application's cookie policy.
        http.Response.Cookies.Append(BrowserCookie, token, new CookieOptions { HttpOnly = true, SameSite = SameSiteMode.Lax, Path = "/", IsEssential = true });
        http.Items[BrowserCookie] = token;
        return token;
    }

    public static RequestParameters ReadParameters(AuthorizationRequestRecord record) =>
        new(JsonSerializer.Deserialize<Dictionary<string, string>>(record.Parameters) ?? []);
}
