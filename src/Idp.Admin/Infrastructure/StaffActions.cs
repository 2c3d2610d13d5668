using Idp.Accounts;
using Idp.Data;
using Idp.Data.Entities;
using Idp.Factors;
using Microsoft.EntityFrameworkCore;

namespace Idp.Admin.Infrastructure;

public static class AdminAuditTypes
{
    public const string UserLocked = "admin.user_locked";
    public const string UserUnlocked = "admin.user_unlocked";
    public const string FactorRevoked = "admin.factor_revoked";
    public const string SessionsEnded = "admin.sessions_ended";
    public const string EnrolmentRequired = "admin.enrolment_required";
    public const string ClientCreated = "admin.client_created";
    public const string ClientUpdated = "admin.client_updated";
    public const string ClientSecretRotated = "admin.client_secret_rotated";
    public const string SigningKeyRotated = "admin.signing_key_rotated";
    public const string OutboxMessageRequeued = "admin.outbox_requeued";
    public const string AuditExported = "admin.audit_exported";
    public const string StaffSignedIn = "admin.signed_in";
}

/// <summary>
/// What staff do to a user account. Each action runs in one transaction and writes an audit event with who
/// (the staff member's subject), what and why (the reason they typed).
/// </summary>
public sealed class StaffActions(
    IdpDbContext db,
    FactorRegistry factors,
    AccountRevocation revocation,
    AuditTrail audit,
    IHttpContextAccessor http)
{
    public async Task<bool> LockAsync(string actorId, string userId, string reason, CancellationToken cancellationToken = default)
    {
        return await InTransactionAsync(userId, async user =>
        {
            user.LockoutEnabled = true;
            user.LockoutEnd = DateTimeOffset.MaxValue;
            await revocation.RevokeAsync(userId, RevocationReason.AdminLock, null, http.HttpContext, cancellationToken);
            audit.AddAction(AdminAuditTypes.UserLocked, http.HttpContext, actorId, userId, details: reason);
        }, cancellationToken);
    }

    public async Task<bool> UnlockAsync(string actorId, string userId, string reason, CancellationToken cancellationToken = default)
    {
        return await InTransactionAsync(userId, user =>
        {
            user.LockoutEnd = null;
            user.AccessFailedCount = 0;
            user.LockoutCount = 0;
            audit.AddAction(AdminAuditTypes.UserUnlocked, http.HttpContext, actorId, userId, details: reason);
            return Task.CompletedTask;
        }, cancellationToken);
    }

    public async Task<bool> RevokeFactorAsync(string actorId, string userId, FactorKind kind, string factorId, string reason, CancellationToken cancellationToken = default)
    {
        if (factors.Get(kind) is not { } factor)
            return false;
        return await InTransactionAsync(userId, async _ =>
        {
            if (!await factor.RemoveAsync(userId, factorId, cancellationToken))
                throw new FactorNotFoundException();
            audit.AddAction(AdminAuditTypes.FactorRevoked, http.HttpContext, actorId, userId, details: $"{kind} {factorId}: {reason}");
        }, cancellationToken);
    }

    public async Task<bool> EndSessionsAsync(string actorId, string userId, string reason, CancellationToken cancellationToken = default)
    {
        return await InTransactionAsync(userId, async _ =>
        {
            await revocation.RevokeAsync(userId, RevocationReason.EndAllSessions, null, http.HttpContext, cancellationToken);
            audit.AddAction(AdminAuditTypes.SessionsEnded, http.HttpContext, actorId, userId, details: reason);
        }, cancellationToken);
    }

    public async Task<bool> RequireEnrolmentAsync(string actorId, string userId, string reason, CancellationToken cancellationToken = default)
    {
        return await InTransactionAsync(userId, user =>
        {
            user.MustEnrol = true;
            audit.AddAction(AdminAuditTypes.EnrolmentRequired, http.HttpContext, actorId, userId, details: reason);
            return Task.CompletedTask;
        }, cancellationToken);
    }

    /// <returns>False when the user (or the factor) does not exist.</returns>
    private async Task<bool> InTransactionAsync(string userId, Func<IdpUser, Task> action, CancellationToken cancellationToken)
    {
        var strategy = db.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(async () =>
        {
            db.ChangeTracker.Clear();
            revocation.ForgetUncommitted();
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var user = await db.Users.FirstOrDefaultAsync(u => u.Id == userId, cancellationToken);
            if (user is null)
                return false;
            try
            {
                await action(user);
            }
            catch (FactorNotFoundException)
            {
                return false;
            }
            user.SecurityStamp = Guid.NewGuid().ToString("N");
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            // Committed: the portals of the sessions ended here are told (back-channel logout, in the background).
            revocation.NotifyCommitted();
            return true;
        });
    }

    private sealed class FactorNotFoundException : Exception;
}
