using Idp.Factors;

namespace Idp.Data.Entities;

/// <summary>
/// One enrolled second factor of a user (an authenticator app today; push devices and passkeys may keep their
/// own tables). The throttling fields implement NIST SP 800-63B §5.2.2 per authenticator.
/// </summary>
public sealed class UserFactor
{
    public string Id { get; set; } = "";
    public string SubjectId { get; set; } = "";
    public FactorKind Kind { get; set; }
    public string Name { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? LastUsedAt { get; set; }

    /// <summary>The secret encrypted with <see cref="Security.SecretProtector"/> (TOTP: the 20 raw bytes).</summary>
    public string? ProtectedSecret { get; set; }

    /// <summary>TOTP: the last accepted time step; a code of this step or an older one is never accepted again.</summary>
    public long LastAcceptedStep { get; set; }

    /// <summary>Consecutive wrong codes; reset by a right one.</summary>
    public int FailedAttempts { get; set; }

    /// <summary>No attempt before this time (growing delay after five failures).</summary>
    public DateTimeOffset? NextAttemptAt { get; set; }

    /// <summary>Set after 100 consecutive failures: the factor accepts nothing until it is removed or reset.</summary>
    public DateTimeOffset? LockedAt { get; set; }
}

/// <summary>A single-use recovery code (a lookup secret, NIST SP 800-63B §5.1.2), stored as SHA-256.</summary>
public sealed class RecoveryCode
{
    public long Id { get; set; }
    public string SubjectId { get; set; } = "";
    public string CodeHash { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? UsedAt { get; set; }
}

/// <summary>"Trust this browser": skips the second factor at sign-in (never for step-up or max_age) until it expires.</summary>
public sealed class TrustedBrowser
{
    /// <summary>SHA-256 of the random token in the browser's cookie.</summary>
    public string Id { get; set; } = "";
    public string SubjectId { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public DateTimeOffset? LastUsedAt { get; set; }
    public string? UserAgent { get; set; }
}
