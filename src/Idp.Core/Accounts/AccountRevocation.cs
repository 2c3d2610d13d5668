using Idp.Data;
using Idp.Data.Entities;
using Idp.Protocol;
using Idp.Protocol.EndSession;
using Microsoft.EntityFrameworkCore;

namespace Idp.Accounts;

/// <summary>Why a user's access is revoked; decides what <see cref="AccountRevocation"/> revokes.</summary>
public enum RevocationReason
{
    PasswordReset,
    PasswordChange,
    HelpdeskApproval,
    TemporaryAccessPass,
    AdminLock,
    EndAllSessions,
    SignOutOtherSessions,
}

/// <param name="SessionsEnded">Sessions ended (the portals of each are told by back-channel logout through the outbox).</param>
/// <param name="RefreshTokenFamilies">Refresh-token grants revoked, each with its access tokens.</param>
public sealed record RevocationResult(int SessionsEnded, int TrustedBrowsersRevoked, int RefreshTokenFamilies);

/// <summary>
/// The one way to end a user's access: sessions, trusted browsers, refresh tokens (with their access tokens), the
/// security stamp and the credentials epoch, audited, with the back-channel logouts written to the outbox in the same transaction.
/// <code>
/// reason                | sessions        | trusted browsers | refresh tokens               | offline_access | epoch + stamp
/// PasswordReset         | all             | all              | all                          | revoked        | yes
/// PasswordChange        | all but current | all              | all                          | revoked        | yes
/// HelpdeskApproval      | all             | all              | all                          | revoked        | yes
/// TemporaryAccessPass   | all             | all              | all                          | revoked        | yes
/// AdminLock             | all             | all              | all                          | revoked        | stamp only
/// EndAllSessions        | all             | all              | all                          | revoked        | stamp only
/// SignOutOtherSessions  | all but current | kept             | of the ended sessions        | kept           | no
/// </code>
/// A credentials change (the first four) sets <see cref="IdpUser.CredentialsChangedAt"/>: the refresh grant refuses
/// any token from an older authentication, so a token issued concurrently is refused too. "Sign out other sessions"
/// is the user tidying up, not a compromise: offline tokens are meant to outlive sessions and stay, browsers the user
/// trusted stay (the profile revokes them one by one).
/// </summary>
/// <remarks>
/// Works inside a caller's transaction: the back-channel logout messages commit or roll back with it, so a
/// rolled-back transaction tells nobody; <see cref="NotifyCommitted"/> after the commit only wakes the dispatcher at
/// once (it would find the messages at its next poll anyway). Without a transaction the revocation runs in its own.
/// </remarks>
public sealed class AccountRevocation(
    IdpDbContext db,
    Messaging.OutboxSignal outbox,
    AuditTrail audit,
    TimeProvider clock,
    ILogger<AccountRevocation> logger)
{
    public const string AuditType = "account.access_revoked";

    /// <summary>Access tokens live at most this long; a revoked one is remembered until it has expired anyway.</summary>
    private static readonly TimeSpan LongestAccessTokenLifetime = TimeSpan.FromDays(1);

    private bool _endedInTransaction;

    public static bool ChangesCredentials(RevocationReason reason) => reason is RevocationReason.PasswordReset
        or RevocationReason.PasswordChange or RevocationReason.HelpdeskApproval or RevocationReason.TemporaryAccessPass;

    /// <param name="keepSessionId">The session to keep (the user's own, for <see cref="RevocationReason.PasswordChange"/> and <see cref="RevocationReason.SignOutOtherSessions"/>); ignored for the other reasons.</param>
    /// <param name="http">The request, for the audit's IP address; null from background work.</param>
    public async Task<RevocationResult> RevokeAsync(string subjectId, RevocationReason reason, string? keepSessionId, HttpContext? http, CancellationToken cancellationToken)
    {
        if (!Enum.IsDefined(reason))
            throw new ArgumentOutOfRangeException(nameof(reason));
        if (reason is not (RevocationReason.PasswordChange or RevocationReason.SignOutOtherSessions))
            keepSessionId = null;

        if (db.Database.CurrentTransaction is not null)
            return await RevokeInTransactionAsync(subjectId, reason, keepSessionId, http, cancellationToken);

        ForgetUncommitted();
        RevocationResult result;
        await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
        {
            result = await RevokeInTransactionAsync(subjectId, reason, keepSessionId, http, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        NotifyCommitted();
        return result;
    }

    /// <summary>Wakes this node's outbox dispatcher for the back-channel logouts written in the caller's transaction, once it is committed.</summary>
    public void NotifyCommitted()
    {
        if (_endedInTransaction)
            outbox.Notify();
        _endedInTransaction = false;
    }

    /// <summary>Forgets the sessions ended in a transaction that was rolled back (before a retry); their messages rolled back with it.</summary>
    public void ForgetUncommitted() => _endedInTransaction = false;

    private async Task<RevocationResult> RevokeInTransactionAsync(string subjectId, RevocationReason reason, string? keepSessionId, HttpContext? http, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var ended = await EndSessionsAsync(subjectId, keepSessionId, now, cancellationToken);

        var browsers = reason == RevocationReason.SignOutOtherSessions
            ? 0
            : await db.TrustedBrowsers.Where(b => b.SubjectId == subjectId).ExecuteDeleteAsync(cancellationToken);

        var families = reason == RevocationReason.SignOutOtherSessions
            ? await SessionBoundFamiliesAsync(subjectId, ended.Select(s => s.SessionId).ToList(), cancellationToken)
            : await db.RefreshTokens.Where(t => t.SubjectId == subjectId && t.RevokedAt == null)
                .Select(t => t.FamilyId).Distinct().ToListAsync(cancellationToken);
        await RevokeFamiliesAsync(subjectId, families, now, cancellationToken);

        if (reason != RevocationReason.SignOutOtherSessions)
            await NewSecurityStampAsync(subjectId, ChangesCredentials(reason) ? now : null, cancellationToken);

        audit.Add(AuditType, http, subjectId,
            details: $"{reason}: {ended.Count} sessions, {browsers} trusted browsers, {families.Count} refresh-token grants");
        await BackChannelLogout.AddMessagesAsync(db, ended, now, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        _endedInTransaction |= ended.Count > 0;
        RevocationLog.Revoked(logger, subjectId, reason, ended.Count, browsers, families.Count);
        return new RevocationResult(ended.Count, browsers, families.Count);
    }

    private async Task<List<EndedSession>> EndSessionsAsync(string subjectId, string? keepSessionId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var active = db.UserSessions.Where(s => s.SubjectId == subjectId && s.EndedAt == null && s.Id != keepSessionId);
        // Read the sessions with the portals to tell, then end every one the query still finds (a session started in
        // between is ended too; it is too young to have a portal to tell).
        var ending = await active.AsNoTracking()
            .Select(s => new { s.Id, Clients = s.Clients.Select(c => c.ClientId).ToList() })
            .ToListAsync(cancellationToken);
        await active.ExecuteUpdateAsync(s => s.SetProperty(x => x.EndedAt, now), cancellationToken);
        foreach (var entry in db.ChangeTracker.Entries<UserSession>().Where(e => e.Entity.SubjectId == subjectId && e.Entity.Id != keepSessionId))
            Sync(entry, e => e.EndedAt, entry.Entity.EndedAt ?? now);
        return ending.Select(s => new EndedSession(subjectId, s.Id, s.Clients)).ToList();
    }

    /// <summary>Grants bound to the given sessions, except those with <c>offline_access</c> (meant to outlive the session).</summary>
    private async Task<List<string>> SessionBoundFamiliesAsync(string subjectId, List<string> sessionIds, CancellationToken cancellationToken)
    {
        if (sessionIds.Count == 0)
            return [];
        var live = await db.RefreshTokens
            .Where(t => t.SubjectId == subjectId && t.RevokedAt == null && t.SessionId != null && sessionIds.Contains(t.SessionId))
            .Select(t => new { t.FamilyId, t.Scope }).ToListAsync(cancellationToken);
        return live.Where(t => !t.Scope.Split(' ').Contains(Scopes.OfflineAccess)).Select(t => t.FamilyId).Distinct().ToList();
    }

    private async Task RevokeFamiliesAsync(string subjectId, List<string> families, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (families.Count == 0)
            return;
        // Access tokens issued within their longest lifetime may still be in use: they are remembered as revoked.
        var issuedSince = now - LongestAccessTokenLifetime;
        var accessTokens = await db.RefreshTokens
            .Where(t => t.SubjectId == subjectId && families.Contains(t.FamilyId) && t.AccessTokenId != null && t.CreatedAt > issuedSince)
            .Select(t => t.AccessTokenId!).ToListAsync(cancellationToken);
        await db.RefreshTokens.Where(t => t.SubjectId == subjectId && families.Contains(t.FamilyId) && t.RevokedAt == null)
            .ExecuteUpdateAsync(t => t.SetProperty(x => x.RevokedAt, now), cancellationToken);
        if (accessTokens.Count == 0)
            return;
        var known = await db.RevokedAccessTokens.Where(t => accessTokens.Contains(t.TokenId)).Select(t => t.TokenId).ToListAsync(cancellationToken);
        var tracked = db.ChangeTracker.Entries<RevokedAccessToken>().Select(e => e.Entity.TokenId).ToHashSet();
        db.RevokedAccessTokens.AddRange(accessTokens.Except(known).Where(id => !tracked.Contains(id)).Distinct()
            .Select(id => new RevokedAccessToken { TokenId = id, ExpiresAt = now + LongestAccessTokenLifetime }));
    }

    /// <summary>
    /// A new security stamp (a pending sign-in started before is no longer accepted) and, for a credentials change,
    /// the new epoch. A user entity the caller has loaded sees the same values, so its next save keeps them.
    /// </summary>
    private async Task NewSecurityStampAsync(string subjectId, DateTimeOffset? credentialsChangedAt, CancellationToken cancellationToken)
    {
        var stamp = Guid.NewGuid().ToString("N").ToUpperInvariant();
        var users = db.Users.Where(u => u.Id == subjectId);
        if (credentialsChangedAt is { } changed)
            await users.ExecuteUpdateAsync(s => s.SetProperty(u => u.SecurityStamp, stamp).SetProperty(u => u.CredentialsChangedAt, changed), cancellationToken);
        else
            await users.ExecuteUpdateAsync(s => s.SetProperty(u => u.SecurityStamp, stamp), cancellationToken);
        foreach (var entry in db.ChangeTracker.Entries<IdpUser>().Where(e => e.Entity.Id == subjectId))
        {
            Sync(entry, u => u.SecurityStamp, stamp);
            if (credentialsChangedAt is not null)
                Sync(entry, u => u.CredentialsChangedAt, credentialsChangedAt);
        }
    }

    private static void Sync<TEntity, TProperty>(Microsoft.EntityFrameworkCore.ChangeTracking.EntityEntry<TEntity> entry,
        System.Linq.Expressions.Expression<Func<TEntity, TProperty>> property, TProperty value) where TEntity : class
    {
        var p = entry.Property(property);
        p.CurrentValue = value;
        p.OriginalValue = value;
    }
}

internal static partial class RevocationLog
{
    [LoggerMessage(EventId = 2060, Level = LogLevel.Information,
        Message = "Access of {SubjectId} revoked ({Reason}): {Sessions} sessions, {Browsers} trusted browsers, {Families} refresh-token grants")]
    public static partial void Revoked(ILogger logger, string subjectId, RevocationReason reason, int sessions, int browsers, int families);
}
