using System.Security.Cryptography;
using Idp.Accounts;
using Idp.Authentication;
using Idp.Configuration;
using Idp.Data;
using Idp.Data.Entities;
using Idp.Messaging;
using Idp.Resources;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;

namespace Idp.Factors.Push;

/// <summary>
/// A device's registration: login and password (the sign-in form's own check, <see cref="PasswordSignIn"/>), then
/// an SMS code to the account's phone, which turns the device's key into a push credential.
/// </summary>
public sealed class PushDeviceRegistrations(
    IdpDbContext db,
    PasswordSignIn passwordSignIn,
    UserManager<IdpUser> users,
    ISmsSender sms,
    AuditTrail audit,
    PushApprovals approvals,
    TimeProvider clock,
    IOptions<PushOptions> pushOptions,
    IOptions<IdpOptions> idpOptions,
    IStringLocalizer<SharedResource> text,
    ILogger<PushDeviceRegistrations> logger)
{
    public const int CodeDigits = 8;

    private PushOptions Options => pushOptions.Value;

    /// <summary>Checks login and password, stores the device's key with a code, and sends the code by SMS.</summary>
    public async Task<(PushRegistrationStarted? Started, PushProblem Problem)> RegisterAsync(
        HttpContext? http, string? login, string? password, string? publicKey, string? deviceName, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(login) || string.IsNullOrEmpty(password) || password.Length > 256 || PushCrypto.ParsePublicKey(publicKey) is not { } spki)
            return (null, PushProblem.InvalidRequest);
        var name = string.IsNullOrWhiteSpace(deviceName) ? "Authenticator" : deviceName.Trim()[..Math.Min(deviceName.Trim().Length, 100)];

        // The sign-in form's check: its lockout, and one answer for an unknown login, a wrong password and a locked account.
        var signIn = await passwordSignIn.CheckAsync(http, login, password, clientId: null, PasswordSignInChannel.DeviceRegistration, cancellationToken);
        if (signIn.Status == PasswordSignInStatus.AmbiguousLogin)
            return (null, PushProblem.AmbiguousLogin);
        if (signIn.Status != PasswordSignInStatus.Succeeded || signIn.User is not { } user)
            return (null, PushProblem.InvalidCredentials);
        if (string.IsNullOrWhiteSpace(user.PhoneNumber))
            return (null, PushProblem.NoPhoneNumber);

        var now = clock.GetUtcNow();
        var since = now - Options.RequestWindow;
        var recent = await db.PushRegistrations.CountAsync(r => r.SubjectId == user.Id && r.CreatedAt > since, cancellationToken);
        if (recent >= Options.MaxRegistrationsPerWindow)
        {
            audit.Add(PushAuditEvents.RegistrationFailed, http, user.Id, details: "too many registrations");
            await db.SaveChangesAsync(cancellationToken);
            return (null, PushProblem.TooManyRequests);
        }

        var code = RandomNumberGenerator.GetInt32(0, 100_000_000).ToString("D8", System.Globalization.CultureInfo.InvariantCulture);
        var registration = new PushRegistration
        {
            Id = Security.Hashing.RandomToken(16),
            SubjectId = user.Id,
            DeviceName = name,
            PublicKey = spki,
            CreatedAt = now,
            ExpiresAt = now + Options.RegistrationCodeLifetime,
        };
        registration.CodeHash = CodeHash(registration.Id, code);
        db.PushRegistrations.Add(registration);
        audit.Add(PushAuditEvents.RegistrationStarted, http, user.Id, details: $"registration {registration.Id} ({name})");
        await db.SaveChangesAsync(cancellationToken);

        var until = registration.ExpiresAt.ToOffset(TimeSpan.Zero).ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture);
        try
        {
            await sms.SendAsync(new SmsMessage(user.PhoneNumber, text["Push_Sms_Code", code, until].Value), cancellationToken);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            // The gateway failed: the registration cannot be confirmed, the device may try again.
            await db.PushRegistrations.Where(r => r.Id == registration.Id).ExecuteDeleteAsync(CancellationToken.None);
            PushLog.RegistrationRefused(logger, user.Id, "SMS gateway failed");
            return (null, PushProblem.SmsUnavailable);
        }
        PushLog.RegistrationStarted(logger, user.Id, registration.Id);
        return (new PushRegistrationStarted(registration.Id, PushApprovals.MaskPhone(user.PhoneNumber), registration.ExpiresAt), PushProblem.None);
    }

    /// <summary>Finishes a registration with the SMS code: single use, limited attempts, 30 minutes.</summary>
    public async Task<(PushRegistrationConfirmed? Confirmed, PushProblem Problem)> ConfirmAsync(
        HttpContext? http, string registrationId, string? code, CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow();
        var registration = registrationId.Length > 64 ? null : await db.PushRegistrations.AsNoTracking().FirstOrDefaultAsync(r => r.Id == registrationId, cancellationToken);
        if (registration is null || registration.ConfirmedAt is not null || registration.ExpiresAt <= now || registration.Attempts >= Options.RegistrationAttempts)
            return (null, PushProblem.Expired);

        var typed = new string((code ?? "").Where(char.IsAsciiDigit).ToArray());
        if (typed.Length != CodeDigits || !Security.Hashing.FixedTimeEquals(CodeHash(registration.Id, typed), registration.CodeHash))
        {
            await db.PushRegistrations.Where(r => r.Id == registration.Id && r.ConfirmedAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(r => r.Attempts, r => r.Attempts + 1), cancellationToken);
            audit.Add(PushAuditEvents.RegistrationFailed, http, registration.SubjectId, details: $"registration {registration.Id}: wrong code");
            await db.SaveChangesAsync(cancellationToken);
            PushLog.RegistrationRefused(logger, registration.SubjectId, "wrong code");
            return (null, PushProblem.InvalidCode);
        }

        // Single use: only one caller turns the registration into a credential.
        var maxAttempts = Options.RegistrationAttempts;
        var taken = await db.PushRegistrations
            .Where(r => r.Id == registration.Id && r.ConfirmedAt == null && r.Attempts < maxAttempts && r.ExpiresAt > now)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.ConfirmedAt, now), cancellationToken);
        if (taken != 1)
            return (null, PushProblem.Expired);
        var user = await users.FindByIdAsync(registration.SubjectId);
        if (user is null)
            return (null, PushProblem.Expired);

        var token = Security.Hashing.RandomToken(32);
        var credential = new PushCredential
        {
            Id = Security.Hashing.RandomToken(16),
            SubjectId = user.Id,
            DeviceName = registration.DeviceName,
            PublicKey = registration.PublicKey,
            AccessTokenHash = Security.Hashing.Sha256(token),
            CreatedAt = now,
        };
        db.PushCredentials.Add(credential);
        audit.Add(AuditEventTypes.FactorEnrolled, http, user.Id, details: $"push {credential.Id} ({credential.DeviceName})");
        await db.SaveChangesAsync(cancellationToken);
        FactorsLog.Enrolled(logger, user.Id, FactorKind.Push, credential.Id);

        // As Microsoft Authenticator does: a test approval right after the registration.
        await approvals.CreateTestRequestAsync(http, user.Id, cancellationToken);
        return (new PushRegistrationConfirmed(credential.Id, token, user.AccountNumber, user.FullName, idpOptions.Value.Issuer), PushProblem.None);
    }

    private static string CodeHash(string registrationId, string code) => Security.Hashing.Sha256($"{registrationId}:{code}");
}
