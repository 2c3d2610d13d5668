using System.Linq.Expressions;
using System.Security.Cryptography;
using Idp.Accounts;
using Idp.Authentication;
using Idp.Data;
using Idp.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace Idp.Factors.RecoveryCodes;

/// <summary>The outcome of a recovery code: used, or refused (and when the next try is allowed, when throttled).</summary>
public sealed record RecoveryCodeResult(bool Succeeded, DateTimeOffset? RetryAt = null);

/// <summary>
/// Recovery codes: ten lookup secrets (NIST SP 800-63B §5.1.2) of 60 random bits, shown once, stored as SHA-256,
/// each usable once. A fallback: it reaches the second-factor level but adds no <c>amr</c> value of its own
/// (RFC 8176 has none for lookup secrets), so a session signed in with one carries <c>["pwd","mfa"]</c>.
/// </summary>
public sealed class RecoveryCodeStore(IdpDbContext db, AuditTrail audit, TimeProvider clock, Operations.IdpMetrics metrics, ILogger<RecoveryCodeStore> logger) : ISecondFactor
{
    public const int Count = 10;
    public const string ChallengePage = "/signin/recovery-code";
    public const string ShowPage = "/enrol/recovery-codes";
    public const string InfoId = "recovery-codes";
    private const string Alphabet = "abcdefghjkmnpqrstuvwxyz23456789"; // no i, l, o, 0, 1
    private const int Length = 12;

    public FactorKind Kind => FactorKind.RecoveryCode;
    public AuthenticationLevel Level => AuthenticationLevel.SecondFactor;
    public IReadOnlyList<string> Amr { get; } = [];
    public bool IsFallback => true;
    public string ChallengePath => ChallengePage;
    public string? EnrolPath => null;

    public async Task<IReadOnlyList<FactorInfo>> ListAsync(string subjectId, CancellationToken cancellationToken = default)
    {
        var codes = await db.RecoveryCodes.AsNoTracking().Where(c => c.SubjectId == subjectId).ToListAsync(cancellationToken);
        if (codes.Count == 0)
            return [];
        var remaining = codes.Count(c => c.UsedAt == null);
        return [new FactorInfo(InfoId, FactorKind.RecoveryCode, "", codes.Min(c => c.CreatedAt), codes.Max(c => c.UsedAt), false, remaining)];
    }

    public Expression<Func<IdpDbContext, string, IQueryable<string>>> EnrolledBy => Enrolled;

    private static readonly Expression<Func<IdpDbContext, string, IQueryable<string>>> Enrolled = (db, subjectId) =>
        db.RecoveryCodes.Where(c => c.SubjectId == subjectId && c.UsedAt == null).Select(c => c.SubjectId);

    public async Task<bool> RemoveAsync(string subjectId, string factorId, CancellationToken cancellationToken = default) =>
        factorId == InfoId && await RemoveAllAsync(subjectId, cancellationToken) > 0;

    public Task<int> RemoveAllAsync(string subjectId, CancellationToken cancellationToken = default) =>
        db.RecoveryCodes.Where(c => c.SubjectId == subjectId).ExecuteDeleteAsync(cancellationToken);

    /// <summary>Replaces the user's codes with ten new ones and returns them in clear, for showing once.</summary>
    public async Task<IReadOnlyList<string>> GenerateAsync(HttpContext? http, string subjectId, CancellationToken cancellationToken = default)
    {
        await RemoveAllAsync(subjectId, cancellationToken);
        var now = clock.GetUtcNow();
        var codes = Enumerable.Range(0, Count).Select(_ => NewCode()).ToList();
        foreach (var code in codes)
            db.RecoveryCodes.Add(new RecoveryCode { SubjectId = subjectId, CodeHash = Hash(subjectId, code), CreatedAt = now });
        audit.Add(AuditEventTypes.RecoveryCodesGenerated, http, subjectId);
        await db.SaveChangesAsync(cancellationToken);
        FactorsLog.RecoveryCodesGenerated(logger, subjectId);
        return codes;
    }

    /// <summary>
    /// Uses a code: succeeds once per code (a conditional update, so concurrent uses yield one success). Wrong codes
    /// are throttled like any factor (<see cref="FactorThrottle"/>), counted from the audit trail so every node agrees.
    /// </summary>
    public async Task<RecoveryCodeResult> RedeemAsync(HttpContext http, string subjectId, string? code, string? clientId, CancellationToken cancellationToken = default)
    {
        var normalized = Normalize(code);
        var now = clock.GetUtcNow();
        var failures = await RecentFailuresAsync(subjectId, now, cancellationToken);
        if (RetryAt(failures) is { } retryAt && retryAt > now)
            return new RecoveryCodeResult(false, retryAt);
        if (normalized is not null)
        {
            var hash = Hash(subjectId, normalized);
            var used = await db.RecoveryCodes
                .Where(c => c.SubjectId == subjectId && c.CodeHash == hash && c.UsedAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.UsedAt, now), cancellationToken);
            if (used == 1)
            {
                var left = await db.RecoveryCodes.CountAsync(c => c.SubjectId == subjectId && c.UsedAt == null, cancellationToken);
                audit.Add(AuditEventTypes.RecoveryCodeUsed, http, subjectId, clientId, $"{left} left");
                await db.SaveChangesAsync(cancellationToken);
                FactorsLog.RecoveryCodeUsed(logger, subjectId, left);
                return new RecoveryCodeResult(true);
            }
        }
        audit.Add(AuditEventTypes.RecoveryCodeFailed, http, subjectId, clientId);
        await db.SaveChangesAsync(cancellationToken);
        FactorsLog.RecoveryCodeRefused(logger, subjectId);
        metrics.SecondFactor(FactorKind.RecoveryCode, Operations.FactorOutcomes.Failed);
        return new RecoveryCodeResult(false, RetryAt([.. failures, now]));
    }

    /// <summary>Consecutive failures of the last day: those after the last code that worked.</summary>
    private async Task<List<DateTimeOffset>> RecentFailuresAsync(string subjectId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var since = now - TimeSpan.FromDays(1);
        var events = await db.AuditEvents.AsNoTracking()
            .Where(e => e.SubjectId == subjectId && e.OccurredAt > since
                && (e.Type == AuditEventTypes.RecoveryCodeFailed || e.Type == AuditEventTypes.RecoveryCodeUsed))
            .Select(e => new { e.Type, e.OccurredAt })
            .ToListAsync(cancellationToken);
        var lastSuccess = events.Where(e => e.Type == AuditEventTypes.RecoveryCodeUsed).Select(e => e.OccurredAt).DefaultIfEmpty(since).Max();
        return events.Where(e => e.Type == AuditEventTypes.RecoveryCodeFailed && e.OccurredAt >= lastSuccess).Select(e => e.OccurredAt).ToList();
    }

    private static DateTimeOffset? RetryAt(IReadOnlyCollection<DateTimeOffset> failures)
    {
        var wait = FactorThrottle.DelayAfter(failures.Count);
        return wait > TimeSpan.Zero ? failures.Max() + wait : null;
    }

    /// <summary>Lower case, without spaces and dashes; null unless it has the length and alphabet of a code.</summary>
    public static string? Normalize(string? code)
    {
        if (code is null)
            return null;
        var cleaned = new string(code.Where(c => c is not (' ' or '-')).Select(char.ToLowerInvariant).ToArray());
        return cleaned.Length == Length && cleaned.All(Alphabet.Contains) ? cleaned : null;
    }

    private static string NewCode()
    {
        var chars = new char[Length];
        for (var i = 0; i < Length; i++)
            chars[i] = Alphabet[RandomNumberGenerator.GetInt32(Alphabet.Length)];
        return $"{new string(chars, 0, 4)}-{new string(chars, 4, 4)}-{new string(chars, 8, 4)}";
    }

    private static string Hash(string subjectId, string code) => Hashing.Sha256($"{subjectId}:{Normalize(code)}");
}
