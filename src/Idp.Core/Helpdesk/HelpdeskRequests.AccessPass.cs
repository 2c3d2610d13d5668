using Idp.Accounts;
using Idp.Factors;
using Idp.Security;
using Microsoft.EntityFrameworkCore;

namespace Idp.Helpdesk;

/// <summary>The temporary access pass at sign-in, typed after the password instead of the second factor.</summary>
public sealed partial class HelpdeskRequests
{
    /// <summary>
    /// Redeems a temporary access pass typed after the password: single use, expires, throttled like a factor.
    /// On success every old factor, trusted browser, session and refresh token is revoked and the user must enrol.
    /// </summary>
    public async Task<TemporaryAccessPassOutcome> RedeemTemporaryAccessPassAsync(string subjectId, string code, HttpContext? http, CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow();
        var pass = await db.Set<TemporaryAccessPass>().Where(p => p.SubjectId == subjectId && p.UsedAt == null && p.ExpiresAt > now)
            .OrderByDescending(p => p.CreatedAt).FirstOrDefaultAsync(cancellationToken);
        if (pass is null)
        {
            Audit(HelpdeskAuditEvents.PassFailed, subjectId, subjectId, http, "no valid pass");
            await db.SaveChangesAsync(cancellationToken);
            return TemporaryAccessPassOutcome.Invalid;
        }
        if (pass.NextAttemptAt is { } next && next > now)
            return TemporaryAccessPassOutcome.Wait;
        var normalized = new string((code ?? "").Where(char.IsLetterOrDigit).Select(char.ToLowerInvariant).ToArray());
        if (normalized.Length > 64 || !Hashing.FixedTimeEquals(Hashing.Sha256(normalized), pass.CodeHash))
        {
            var failures = pass.FailedAttempts + 1;
            // Failures are counted with a conditional update, so concurrent guesses each count.
            await db.Set<TemporaryAccessPass>().Where(p => p.Id == pass.Id)
                .ExecuteUpdateAsync(s => s.SetProperty(p => p.FailedAttempts, p => p.FailedAttempts + 1)
                    .SetProperty(p => p.NextAttemptAt, now + FactorThrottle.DelayAfter(failures))
                    .SetProperty(p => p.UsedAt, p => p.FailedAttempts + 1 >= FactorThrottle.LockAfter ? now : p.UsedAt), cancellationToken);
            Audit(HelpdeskAuditEvents.PassFailed, subjectId, subjectId, http, $"failure {failures}");
            await db.SaveChangesAsync(cancellationToken);
            return TemporaryAccessPassOutcome.Invalid;
        }

        revocation.ForgetUncommitted();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        // Single use: only one redemption can mark the pass used.
        var used = await db.Set<TemporaryAccessPass>().Where(p => p.Id == pass.Id && p.UsedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(p => p.UsedAt, now), cancellationToken) == 1;
        if (!used)
            return TemporaryAccessPassOutcome.Invalid;
        await RevokeFactorsAsync(subjectId, cancellationToken);
        await revocation.RevokeAsync(subjectId, RevocationReason.TemporaryAccessPass, null, http, cancellationToken);
        Audit(HelpdeskAuditEvents.PassUsed, subjectId, subjectId, http, pass.RequestId);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        revocation.NotifyCommitted();
        HelpdeskLog.PassUsed(logger, subjectId);
        return TemporaryAccessPassOutcome.Accepted;
    }

    /// <summary>Whether the user has an unused, unexpired temporary access pass (the sign-in page offers the field then).</summary>
    public Task<bool> HasTemporaryAccessPassAsync(string subjectId, CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow();
        return db.Set<TemporaryAccessPass>().AnyAsync(p => p.SubjectId == subjectId && p.UsedAt == null && p.ExpiresAt > now, cancellationToken);
    }
}
