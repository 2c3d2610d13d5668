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
    public const string ConsentGranted = "consent.granted";
    public const string ConsentDenied = "consent.denied";
    public const string SignedOut = "signout";
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

    public async Task RecordAsync(string type, HttpContext? http, string? subjectId = null, string? clientId = null, string? details = null, CancellationToken cancellationToken = default)
    {
        Add(type, http, subjectId, clientId, details);
        await db.SaveChangesAsync(cancellationToken);
    }
}
