using System.Linq.Expressions;
using System.Security.Cryptography;
using Idp.Accounts;
using Idp.Authentication;
using Idp.Configuration;
using Idp.Data;
using Idp.Data.Entities;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Idp.Factors.Totp;

public enum TotpCheck
{
    Accepted,
    Wrong,
    /// <summary>The code (or an older step) was already used with this authenticator.</summary>
    Replayed,
    /// <summary>Too many failures: wait until <see cref="TotpResult.RetryAt"/>.</summary>
    TooSoon,
    Locked,
}

public sealed record TotpResult(TotpCheck Check, UserFactor? Factor = null, DateTimeOffset? RetryAt = null);

/// <summary>A secret being enrolled: shown on the page, stored only once a code verifies.</summary>
public sealed record TotpCandidate(string SubjectId, byte[] Secret, DateTimeOffset CreatedAt)
{
    public string Base32Secret => Base32.Encode(Secret);
}

/// <summary>Authenticator apps (RFC 6238): enrolment, verification with replay protection and throttling.</summary>
public sealed class TotpAuthenticators(
    IdpDbContext db,
    SecretProtector secrets,
    IDataProtectionProvider dataProtection,
    AuditTrail audit,
    TimeProvider clock,
    Operations.IdpMetrics metrics,
    IOptions<IdpOptions> options,
    ILogger<TotpAuthenticators> logger) : ISecondFactor
{
    public const string ChallengePage = "/signin/totp";
    public const string EnrolPage = "/enrol/totp";
    private static readonly TimeSpan CandidateLifetime = TimeSpan.FromMinutes(30);
    // Created on first use: every authorization builds the factor kinds to ask whether the user has one.
    private IDataProtector Candidates => field ??= dataProtection.CreateProtector("Idp.Factors.Totp.Candidate");

    public FactorKind Kind => FactorKind.Totp;
    public AuthenticationLevel Level => AuthenticationLevel.SecondFactor;
    public IReadOnlyList<string> Amr { get; } = [AuthenticationMethods.OneTimePassword];
    public bool IsFallback => false;
    public string ChallengePath => ChallengePage;
    public string? EnrolPath => EnrolPage;

    private int Window => options.Value.Mfa.TotpWindow;

    public async Task<IReadOnlyList<FactorInfo>> ListAsync(string subjectId, CancellationToken cancellationToken = default) =>
        await db.UserFactors.AsNoTracking()
            .Where(f => f.SubjectId == subjectId && f.Kind == FactorKind.Totp)
            .Select(f => new FactorInfo(f.Id, f.Kind, f.Name, f.CreatedAt, f.LastUsedAt, f.LockedAt != null, null))
            .ToListAsync(cancellationToken);

    public Expression<Func<IdpDbContext, string, IQueryable<string>>> EnrolledBy => Enrolled;

    private static readonly Expression<Func<IdpDbContext, string, IQueryable<string>>> Enrolled = (db, subjectId) =>
        db.UserFactors.Where(f => f.SubjectId == subjectId && f.Kind == FactorKind.Totp).Select(f => f.SubjectId);

    public async Task<bool> RemoveAsync(string subjectId, string factorId, CancellationToken cancellationToken = default) =>
        await db.UserFactors.Where(f => f.Id == factorId && f.SubjectId == subjectId && f.Kind == FactorKind.Totp).ExecuteDeleteAsync(cancellationToken) > 0;

    public Task<int> RemoveAllAsync(string subjectId, CancellationToken cancellationToken = default) =>
        db.UserFactors.Where(f => f.SubjectId == subjectId && f.Kind == FactorKind.Totp).ExecuteDeleteAsync(cancellationToken);

    public TotpCandidate NewCandidate(string subjectId) => new(subjectId, TotpAlgorithm.NewSecret(), clock.GetUtcNow());

    /// <summary>The candidate in a protected form for a hidden field: bound to the user, valid 30 minutes.</summary>
    public string ProtectCandidate(TotpCandidate candidate) =>
        Candidates.Protect($"{candidate.SubjectId}|{Convert.ToBase64String(candidate.Secret)}|{candidate.CreatedAt.UtcTicks}");

    public TotpCandidate? ReadCandidate(string? protectedCandidate, string subjectId)
    {
        if (string.IsNullOrEmpty(protectedCandidate) || protectedCandidate.Length > 1000)
            return null;
        try
        {
            var parts = Candidates.Unprotect(protectedCandidate).Split('|');
            var created = new DateTimeOffset(long.Parse(parts[2], System.Globalization.CultureInfo.InvariantCulture), TimeSpan.Zero);
            if (parts[0] != subjectId || clock.GetUtcNow() - created > CandidateLifetime)
                return null;
            return new TotpCandidate(parts[0], Convert.FromBase64String(parts[1]), created);
        }
        catch (Exception e) when (e is CryptographicException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }

    /// <summary>The <c>otpauth://</c> URI of the Key URI Format that authenticator apps read from the QR code.</summary>
    public string OtpAuthUri(TotpCandidate candidate, string account)
    {
        var issuer = options.Value.Mfa.AuthenticatorIssuer;
        var label = Uri.EscapeDataString(issuer) + ":" + Uri.EscapeDataString(account);
        return $"otpauth://totp/{label}?secret={candidate.Base32Secret}&issuer={Uri.EscapeDataString(issuer)}&algorithm=SHA1&digits={TotpAlgorithm.Digits}&period={(int)TotpAlgorithm.Period.TotalSeconds}";
    }

    /// <summary>Stores the candidate as a new authenticator when <paramref name="code"/> fits it; null otherwise.</summary>
    public async Task<UserFactor?> EnrolAsync(HttpContext http, TotpCandidate candidate, string? name, string? code, CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow();
        var step = TotpAlgorithm.Match(candidate.Secret, code ?? "", now, Window);
        if (step is null)
        {
            audit.Add(AuditEventTypes.FactorFailed, http, candidate.SubjectId, details: "totp enrolment: wrong code");
            await db.SaveChangesAsync(cancellationToken);
            FactorsLog.EnrolmentCodeWrong(logger, candidate.SubjectId);
            return null;
        }
        var factor = new UserFactor
        {
            Id = Hashing.RandomToken(16),
            SubjectId = candidate.SubjectId,
            Kind = FactorKind.Totp,
            Name = string.IsNullOrWhiteSpace(name) ? "Authenticator" : name.Trim()[..Math.Min(name.Trim().Length, 100)],
            CreatedAt = now,
            LastUsedAt = now,
            ProtectedSecret = secrets.Protect(candidate.Secret),
            LastAcceptedStep = step.Value,
        };
        db.UserFactors.Add(factor);
        audit.Add(AuditEventTypes.FactorEnrolled, http, candidate.SubjectId, details: $"totp {factor.Id}");
        await db.SaveChangesAsync(cancellationToken);
        FactorsLog.Enrolled(logger, candidate.SubjectId, FactorKind.Totp, factor.Id);
        return factor;
    }

    /// <summary>
    /// Checks a code against the user's authenticators (one, or all when <paramref name="factorId"/> is null).
    /// Acceptance is a conditional update of the last accepted step, so two concurrent uses of one code yield
    /// one success.
    /// </summary>
    public async Task<TotpResult> VerifyAsync(HttpContext http, string subjectId, string? factorId, string? code, string? clientId, CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow();
        var candidates = await db.UserFactors.AsNoTracking()
            .Where(f => f.SubjectId == subjectId && f.Kind == FactorKind.Totp && (factorId == null || f.Id == factorId))
            .ToListAsync(cancellationToken);
        if (candidates.Count == 0)
            return new TotpResult(TotpCheck.Wrong);

        var usable = candidates.Where(f => !FactorThrottle.IsLocked(f)).ToList();
        if (usable.Count == 0)
            return new TotpResult(TotpCheck.Locked, candidates[0]);
        var ready = usable.Where(f => !FactorThrottle.MustWait(f, now)).ToList();
        if (ready.Count == 0)
            return new TotpResult(TotpCheck.TooSoon, usable[0], usable.Min(f => f.NextAttemptAt));

        var replayed = false;
        foreach (var factor in ready)
        {
            var secret = secrets.Unprotect(factor.ProtectedSecret!);
            var step = TotpAlgorithm.Match(secret, code ?? "", now, Window);
            CryptographicOperations.ZeroMemory(secret);
            if (step is null)
                continue;
            var accepted = await db.UserFactors
                .Where(f => f.Id == factor.Id && f.LastAcceptedStep < step.Value && f.LockedAt == null)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(f => f.LastAcceptedStep, step.Value)
                    .SetProperty(f => f.LastUsedAt, now)
                    .SetProperty(f => f.FailedAttempts, 0)
                    .SetProperty(f => f.NextAttemptAt, (DateTimeOffset?)null), cancellationToken);
            if (accepted == 1)
            {
                audit.Add(AuditEventTypes.FactorVerified, http, subjectId, clientId, $"totp {factor.Id}");
                await db.SaveChangesAsync(cancellationToken);
                FactorsLog.Verified(logger, subjectId, FactorKind.Totp, factor.Id);
                return new TotpResult(TotpCheck.Accepted, factor);
            }
            replayed = true;
        }

        // Wrong or replayed: a failure for every authenticator that was tried.
        DateTimeOffset? retryAt = null;
        var locked = false;
        foreach (var factor in ready)
        {
            var failures = await RegisterFailureAsync(http, factor, replayed, clientId, now, cancellationToken);
            if (failures >= FactorThrottle.LockAfter)
                locked = true;
            var delay = FactorThrottle.DelayAfter(failures);
            if (delay > TimeSpan.Zero && (retryAt is null || now + delay < retryAt))
                retryAt = now + delay;
        }
        await db.SaveChangesAsync(cancellationToken);
        if (locked && ready.Count == usable.Count)
            return new TotpResult(TotpCheck.Locked, ready[0]);
        return new TotpResult(replayed ? TotpCheck.Replayed : TotpCheck.Wrong, ready[0], retryAt);
    }

    private async Task<int> RegisterFailureAsync(HttpContext http, UserFactor factor, bool replayed, string? clientId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await db.UserFactors.Where(f => f.Id == factor.Id)
            .ExecuteUpdateAsync(s => s.SetProperty(f => f.FailedAttempts, f => f.FailedAttempts + 1), cancellationToken);
        var failures = await db.UserFactors.Where(f => f.Id == factor.Id).Select(f => f.FailedAttempts).FirstAsync(cancellationToken);
        audit.Add(replayed ? AuditEventTypes.FactorReplayed : AuditEventTypes.FactorFailed, http, factor.SubjectId, clientId, $"totp {factor.Id}: failure {failures}");
        FactorsLog.CodeRefused(logger, factor.SubjectId, factor.Id, failures, replayed);
        metrics.SecondFactor(FactorKind.Totp, replayed ? Operations.FactorOutcomes.Replayed : Operations.FactorOutcomes.Failed);
        if (failures >= FactorThrottle.LockAfter)
        {
            await db.UserFactors.Where(f => f.Id == factor.Id && f.LockedAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(f => f.LockedAt, now), cancellationToken);
            audit.Add(AuditEventTypes.FactorLocked, http, factor.SubjectId, clientId, $"totp {factor.Id} after {failures} failures");
            FactorsLog.Locked(logger, factor.SubjectId, factor.Id, failures);
        }
        else if (FactorThrottle.DelayAfter(failures) is { } delay && delay > TimeSpan.Zero)
        {
            var next = now + delay;
            await db.UserFactors.Where(f => f.Id == factor.Id)
                .ExecuteUpdateAsync(s => s.SetProperty(f => f.NextAttemptAt, next), cancellationToken);
        }
        return failures;
    }

    public async Task<bool> RenameAsync(string subjectId, string factorId, string name, CancellationToken cancellationToken = default)
    {
        var trimmed = name.Trim();
        if (trimmed.Length is 0 or > 100)
            return false;
        return await db.UserFactors.Where(f => f.Id == factorId && f.SubjectId == subjectId)
            .ExecuteUpdateAsync(s => s.SetProperty(f => f.Name, trimmed), cancellationToken) > 0;
    }
}
