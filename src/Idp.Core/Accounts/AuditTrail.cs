using Idp.Data;
using Idp.Data.Entities;

namespace Idp.Accounts;

public static class AuditEventTypes
{
    public const string SignInSucceeded = "signin.succeeded";
    public const string SignInFailed = "signin.failed";
    public const string SignInEmailNotConfirmed = "signin.email_not_confirmed";
    public const string AccountLocked = "account.locked";
    public const string AccountRegistered = "account.registered";
    public const string EmailConfirmed = "account.email_confirmed";
    public const string PasswordResetRequested = "password.reset_requested";
    public const string PasswordReset = "password.reset";
    public const string PasswordChanged = "password.changed";
    public const string PasswordChangeFailed = "password.change_failed";
    public const string ConsentGranted = "consent.granted";
    public const string ConsentDenied = "consent.denied";
    public const string SignedOut = "signout";
    public const string FactorEnrolled = "factor.enrolled";
    public const string FactorRemoved = "factor.removed";
    public const string FactorRenamed = "factor.renamed";
    public const string FactorVerified = "factor.verified";
    public const string FactorFailed = "factor.failed";
    public const string FactorReplayed = "factor.replayed";
    public const string FactorLocked = "factor.locked";
    public const string RecoveryCodesGenerated = "recovery_codes.generated";
    public const string RecoveryCodeUsed = "recovery_code.used";
    public const string RecoveryCodeFailed = "recovery_code.failed";
    public const string BrowserTrusted = "trusted_browser.added";
    public const string TrustedBrowserRevoked = "trusted_browser.revoked";
    public const string StepUp = "signin.step_up";
}

/// <summary>Writes <see cref="AuditEvent"/> rows. Details are short reasons, never secrets.</summary>
public sealed class AuditTrail(IdpDbContext db, TimeProvider clock)
{
    /// <summary>Adds the event to the unit of work; saved with the caller's next SaveChanges.</summary>
    public void Add(string type, HttpContext? http, string? subjectId = null, string? clientId = null, string? details = null)
    {
        db.AuditEvents.Add(new AuditEvent
        {
            OccurredAt = clock.GetUtcNow(),
            Type = type,
            SubjectId = subjectId,
            ActorId = subjectId,
            ClientId = clientId,
            IpAddress = http?.Connection.RemoteIpAddress?.ToString(),
            Details = details,
        });
    }

    /// <summary>An action of staff (<paramref name="actorId"/>) on a user, client or key; <paramref name="details"/> says what and why.</summary>
    public void AddAction(string type, HttpContext? http, string actorId, string? subjectId = null, string? clientId = null, string? details = null)
    {
        db.AuditEvents.Add(new AuditEvent
        {
            OccurredAt = clock.GetUtcNow(),
            Type = type,
            SubjectId = subjectId,
            ActorId = actorId,
            ClientId = clientId,
            IpAddress = http?.Connection.RemoteIpAddress?.ToString(),
            Details = details is { Length: > 1000 } ? details[..1000] : details,
        });
    }

    public async Task RecordAsync(string type, HttpContext? http, string? subjectId = null, string? clientId = null, string? details = null, CancellationToken cancellationToken = default)
    {
        Add(type, http, subjectId, clientId, details);
        await db.SaveChangesAsync(cancellationToken);
    }
}
