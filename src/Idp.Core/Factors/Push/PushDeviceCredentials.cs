using Idp.Accounts;
using Idp.Data;
using Idp.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace Idp.Factors.Push;

/// <summary>The push credentials: a device's access token, its Web Push subscription, and its removal.</summary>
public sealed class PushDeviceCredentials(IdpDbContext db, AuditTrail audit, TimeProvider clock)
{
    /// <summary>The credential whose access token is <paramref name="bearerToken"/>, only when it is <paramref name="credentialId"/>.</summary>
    public async Task<PushCredential?> AuthenticateAsync(string? bearerToken, string credentialId, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrEmpty(bearerToken) || bearerToken.Length > 200 || credentialId.Length > 64)
            return null;
        var hash = Security.Hashing.Sha256(bearerToken);
        var credential = await db.PushCredentials.AsNoTracking().FirstOrDefaultAsync(c => c.AccessTokenHash == hash, cancellationToken);
        if (credential is null || !Security.Hashing.FixedTimeEquals(credential.AccessTokenHash, hash) || credential.Id != credentialId)
            return null;
        return credential;
    }

    public async Task SetSubscriptionAsync(PushCredential credential, WebPushSubscription? subscription, CancellationToken cancellationToken = default)
    {
        await db.PushCredentials.Where(c => c.Id == credential.Id)
            .ExecuteUpdateAsync(s => s
                .SetProperty(c => c.SubscriptionEndpoint, subscription == null ? null : subscription.Endpoint)
                .SetProperty(c => c.SubscriptionP256dh, subscription == null ? null : subscription.P256dh)
                .SetProperty(c => c.SubscriptionAuth, subscription == null ? null : subscription.Auth), cancellationToken);
    }

    /// <summary>Removes the credential (from the device, or from the profile); its pending requests end.</summary>
    public async Task<bool> RemoveCredentialAsync(HttpContext? http, string subjectId, string credentialId, CancellationToken cancellationToken = default)
    {
        var removed = await db.PushCredentials.Where(c => c.Id == credentialId && c.SubjectId == subjectId).ExecuteDeleteAsync(cancellationToken);
        if (removed == 0)
            return false;
        await CancelPendingIfNoDeviceAsync(subjectId, cancellationToken);
        audit.Add(AuditEventTypes.FactorRemoved, http, subjectId, details: $"push {credentialId}");
        await db.SaveChangesAsync(cancellationToken);
        return true;
    }

    public async Task<int> RemoveAllAsync(string subjectId, CancellationToken cancellationToken = default)
    {
        var removed = await db.PushCredentials.Where(c => c.SubjectId == subjectId).ExecuteDeleteAsync(cancellationToken);
        await CancelPendingIfNoDeviceAsync(subjectId, cancellationToken);
        return removed;
    }

    private async Task CancelPendingIfNoDeviceAsync(string subjectId, CancellationToken cancellationToken)
    {
        if (await db.PushCredentials.AnyAsync(c => c.SubjectId == subjectId, cancellationToken))
            return;
        var now = clock.GetUtcNow();
        await db.PushRequests.Where(r => r.SubjectId == subjectId && r.State == PushRequestState.Pending)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.State, PushRequestState.Cancelled).SetProperty(r => r.DecidedAt, now), cancellationToken);
    }
}
