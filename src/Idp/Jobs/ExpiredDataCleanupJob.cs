using Idp.Data;
using Microsoft.EntityFrameworkCore;
using Quartz;

namespace Idp.Jobs;

/// <summary>
/// Deletes what has expired: authorization codes, refresh tokens, revoked-access-token entries, used JWT ids, stored
/// authorization requests, and sessions that ended or expired more than <see cref="SessionRetention"/> ago.
/// </summary>
[DisallowConcurrentExecution]
public sealed partial class ExpiredDataCleanupJob(IdpDbContext db, TimeProvider timeProvider, ILogger<ExpiredDataCleanupJob> logger) : IJob
{
    public static readonly JobKey Key = new("expired-data-cleanup", "idp");

    /// <summary>Ended sessions are kept a day, so support can still see them.</summary>
    internal static readonly TimeSpan SessionRetention = TimeSpan.FromDays(1);

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await CleanUpAsync(cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            LogFailed(exception);
            throw;
        }
    }

    internal async Task CleanUpAsync(CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        var codes = await db.AuthorizationCodes.Where(c => c.ExpiresAt < now).ExecuteDeleteAsync(cancellationToken);
        var refreshTokens = await db.RefreshTokens.Where(t => t.ExpiresAt < now).ExecuteDeleteAsync(cancellationToken);
        var revokedAccessTokens = await db.RevokedAccessTokens.Where(t => t.ExpiresAt < now).ExecuteDeleteAsync(cancellationToken);
        var requests = await db.AuthorizationRequests.Where(r => r.ExpiresAt < now).ExecuteDeleteAsync(cancellationToken);
        await db.UsedJtis.Where(u => u.ExpiresAt < now).ExecuteDeleteAsync(cancellationToken);

        var cutoff = now - SessionRetention;
        // The session's clients first: ExecuteDelete does not cascade in EF, and SQLite may run without foreign keys.
        await db.UserSessionClients
            .Where(c => db.UserSessions.Any(s => s.Id == c.SessionId && (s.ExpiresAt < cutoff || (s.EndedAt != null && s.EndedAt < cutoff))))
            .ExecuteDeleteAsync(cancellationToken);
        var sessions = await db.UserSessions
            .Where(s => s.ExpiresAt < cutoff || (s.EndedAt != null && s.EndedAt < cutoff))
            .ExecuteDeleteAsync(cancellationToken);

        // Push: registrations past their code's life; approval requests after a day (the limits against push
        // bombing look back at most RequestWindow and the denials since the last approval, capped at 15 minutes).
        await db.PushRegistrations.Where(r => r.ExpiresAt < now).ExecuteDeleteAsync(cancellationToken);
        var pushCutoff = now - TimeSpan.FromDays(1);
        await db.PushRequests.Where(r => r.ExpiresAt < pushCutoff).ExecuteDeleteAsync(cancellationToken);

        LogCleanedUp(codes, refreshTokens, revokedAccessTokens, requests, sessions);
    }

    [LoggerMessage(EventId = 5060, Level = LogLevel.Information, Message = "Expired data deleted: {Codes} authorization codes, {RefreshTokens} refresh tokens, {RevokedAccessTokens} revoked access tokens, {Requests} authorization requests, {Sessions} sessions")]
    private partial void LogCleanedUp(int codes, int refreshTokens, int revokedAccessTokens, int requests, int sessions);

    [LoggerMessage(EventId = 5061, Level = LogLevel.Error, Message = "Expired data cleanup failed; it is tried again at the next run")]
    private partial void LogFailed(Exception exception);
}
