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
/// interacts. Stored by the hash of their handle, so the table alone does not let anyone resume them.
/// </summary>
public sealed class ParkedRequests(IdpDbContext db, TimeProvider clock, IOptions<IdpOptions> options)
{
    public const string RequestUriPrefix = "urn:ietf:params:oauth:request_uri:";

    public async Task<(string Handle, AuthorizationRequestRecord Record)> CreateAsync(AuthorizationRequestKind kind, string clientId, RequestParameters parameters, CancellationToken cancellationToken)
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

    public static RequestParameters ReadParameters(AuthorizationRequestRecord record) =>
        new(JsonSerializer.Deserialize<Dictionary<string, string>>(record.Parameters) ?? []);
}
