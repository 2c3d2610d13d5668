using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Idp.Accounts;
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

/// <summary>Why a call of the device API or a new approval request was refused (the <c>urn:idp:problem:</c> codes of API.md).</summary>
public enum PushProblem
{
    None,
    InvalidRequest,
    AmbiguousLogin,
    InvalidCredentials,
    NoPhoneNumber,
    TooManyRequests,
    InvalidCode,
    Expired,
    NotFound,
    InvalidSignature,
    WrongNumber,
    NoDevice,
    SmsUnavailable,
}

public sealed record PushRegistrationStarted(string RegistrationId, string MaskedPhone, DateTimeOffset ExpiresAt);

public sealed record PushRegistrationConfirmed(string CredentialId, string AccessToken, string AccountNumber, string DisplayName, string Issuer);

/// <summary>A request as the device sees it (API.md).</summary>
public sealed record PushRequestView(
    string RequestId,
    string Challenge,
    string PortalName,
    DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt,
    string? IpAddress,
    string? Browser,
    IReadOnlyList<int> NumberChoices,
    bool IsTest);

/// <summary>The result of an attempt to open a new approval request for a waiting browser.</summary>
public sealed record PushRequestStart(PushRequest? Request, PushProblem Problem, DateTimeOffset? RetryAt = null);

/// <summary>
/// Push approval: device registration with an SMS code, approval requests with number matching, the device's
/// signed decisions, and the limits against push bombing. All state lives in the database, so the waiting
/// browser, the device and the node that created a request may all be different.
/// </summary>
public sealed class PushApprovals(
    IdpDbContext db,
    AccountLookup accounts,
    UserManager<IdpUser> users,
    ISmsSender sms,
    IEmailSender email,
    AuditTrail audit,
    IServiceProvider services,
    TimeProvider clock,
    IOptions<PushOptions> pushOptions,
    IOptions<IdpOptions> idpOptions,
    IStringLocalizer<SharedResource> text,
    ILogger<PushApprovals> logger)
{
    public const int CodeDigits = 8;
    public const string NistP256Oid = "1.2.840.10045.3.1.7";

    /// <summary>The length of an uncompressed P-256 SubjectPublicKeyInfo.</summary>
    private const int P256SpkiLength = 91;

    /// <summary>The first wait after a denial or wrong number; doubles with each further one.</summary>
    public static readonly TimeSpan FirstDenialWait = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan MaxDenialWait = TimeSpan.FromMinutes(15);

    private PushOptions Options => pushOptions.Value;

    // ---- Registration -------------------------------------------------------------------------------------

    /// <summary>Checks login and password, stores the device's key with a code, and sends the code by SMS.</summary>
    public async Task<(PushRegistrationStarted? Started, PushProblem Problem)> RegisterAsync(
        HttpContext? http, string? login, string? password, string? publicKey, string? deviceName, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(login) || string.IsNullOrEmpty(password) || password.Length > 256 || ParsePublicKey(publicKey) is not { } spki)
            return (null, PushProblem.InvalidRequest);
        var name = string.IsNullOrWhiteSpace(deviceName) ? "Authenticator" : deviceName.Trim()[..Math.Min(deviceName.Trim().Length, 100)];

        var found = await accounts.FindAsync(login, 2, cancellationToken);
        if (found.Count > 1)
            return (null, PushProblem.AmbiguousLogin);
        var user = found.Count == 1 ? found[0] : null;
        if (user is null)
        {
            audit.Add(PushAuditEvents.RegistrationFailed, http, details: "unknown login");
            await db.SaveChangesAsync(cancellationToken);
            return (null, PushProblem.InvalidCredentials);
        }
        if (await users.IsLockedOutAsync(user))
            return (null, PushProblem.TooManyRequests);
        if (!await users.CheckPasswordAsync(user, password))
        {
            await users.AccessFailedAsync(user);
            audit.Add(PushAuditEvents.RegistrationFailed, http, user.Id, details: "wrong password");
            await db.SaveChangesAsync(cancellationToken);
            PushLog.RegistrationRefused(logger, user.Id, "wrong password");
            return (null, PushProblem.InvalidCredentials);
        }
        await users.ResetAccessFailedCountAsync(user);
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
        return (new PushRegistrationStarted(registration.Id, MaskPhone(user.PhoneNumber), registration.ExpiresAt), PushProblem.None);
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
        await CreateTestRequestAsync(http, user.Id, cancellationToken);
        return (new PushRegistrationConfirmed(credential.Id, token, user.AccountNumber, user.FullName, idpOptions.Value.Issuer), PushProblem.None);
    }

    // ---- Credentials --------------------------------------------------------------------------------------

    /// <summary>The credential whose access token is <paramref name="bearerToken"/>, only when it is <paramref name="credentialId"/>.</summary>
    public async Task<PushCredential?> AuthenticateAsync(string? bearerToken, string credentialId, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrEmpty(bearerToken) || bearerToken.Length > 200 || credentialId.Length > 64)
            return null;
        var hash = Security.Hashing.Sha256(bearerToken);
        var credential = await db.PushCredentials.AsNoTracking().FirstOrDefaultAsync(c => c.AccessTokenHash == hash, cancellationToken);
        if (credential is null || !Security.Hashing.FixedTimeEquals(credential.AccessTokenHash, hash) || credential.Id != credentialId)
            return null;
        return credential;
    }

    public async Task SetSubscriptionAsync(PushCredential credential, WebPushSubscription? subscription, CancellationToken cancellationToken = default)
    {
        await db.PushCredentials.Where(c => c.Id == credential.Id)
            .ExecuteUpdateAsync(s => s
                .SetProperty(c => c.SubscriptionEndpoint, subscription == null ? null : subscription.Endpoint)
                .SetProperty(c => c.SubscriptionP256dh, subscription == null ? null : subscription.P256dh)
                .SetProperty(c => c.SubscriptionAuth, subscription == null ? null : subscription.Auth), cancellationToken);
    }

    /// <summary>Removes the credential (from the device, or from the profile); its pending requests end.</summary>
    public async Task<bool> RemoveCredentialAsync(HttpContext? http, string subjectId, string credentialId, CancellationToken cancellationToken = default)
    {
        var removed = await db.PushCredentials.Where(c => c.Id == credentialId && c.SubjectId == subjectId).ExecuteDeleteAsync(cancellationToken);
        if (removed == 0)
            return false;
        await CancelPendingIfNoDeviceAsync(subjectId, cancellationToken);
        audit.Add(AuditEventTypes.FactorRemoved, http, subjectId, details: $"push {credentialId}");
        await db.SaveChangesAsync(cancellationToken);
        return true;
    }

    public async Task<int> RemoveAllAsync(string subjectId, CancellationToken cancellationToken = default)
    {
        var removed = await db.PushCredentials.Where(c => c.SubjectId == subjectId).ExecuteDeleteAsync(cancellationToken);
        await CancelPendingIfNoDeviceAsync(subjectId, cancellationToken);
        return removed;
    }

    private async Task CancelPendingIfNoDeviceAsync(string subjectId, CancellationToken cancellationToken)
    {
        if (await db.PushCredentials.AnyAsync(c => c.SubjectId == subjectId, cancellationToken))
            return;
        var now = clock.GetUtcNow();
        await db.PushRequests.Where(r => r.SubjectId == subjectId && r.State == PushRequestState.Pending)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.State, PushRequestState.Cancelled).SetProperty(r => r.DecidedAt, now), cancellationToken);
    }

    // ---- Requests -----------------------------------------------------------------------------------------

    /// <summary>The pending, unexpired requests of the credential's account, oldest first.</summary>
    public async Task<IReadOnlyList<PushRequestView>> PendingAsync(string subjectId, CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow();
        var pending = await db.PushRequests.AsNoTracking()
            .Where(r => r.SubjectId == subjectId && r.State == PushRequestState.Pending && r.ExpiresAt > now)
            .OrderBy(r => r.CreatedAt)
            .ToListAsync(cancellationToken);
        return pending.Select(View).ToList();
    }

    public static PushRequestView View(PushRequest request) => new(
        request.Id,
        request.Challenge,
        request.PortalName,
        request.CreatedAt,
        request.ExpiresAt,
        request.IpAddress,
        BrowserName(request.UserAgent),
        request.NumberChoices.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(n => int.Parse(n, System.Globalization.CultureInfo.InvariantCulture)).ToList(),
        request.IsTest);

    /// <summary>
    /// Opens an approval request for a browser that waits after the password (or steps up). The browser's own
    /// pending request is reused; against push bombing there is at most one pending request per user, at most
    /// <see cref="PushOptions.MaxRequestsPerWindow"/> per window, and a wait that doubles with each denial.
    /// </summary>
    public async Task<PushRequestStart> StartAsync(HttpContext http, string subjectId, string browserBinding, string? clientId, string portalName, CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow();
        var bindingHash = Security.Hashing.Sha256(browserBinding);
        if (!await db.PushCredentials.AnyAsync(c => c.SubjectId == subjectId, cancellationToken))
            return new(null, PushProblem.NoDevice);

        var pending = await db.PushRequests.AsNoTracking()
            .Where(r => r.SubjectId == subjectId && !r.IsTest && r.State == PushRequestState.Pending && r.ExpiresAt > now)
            .OrderByDescending(r => r.CreatedAt)
            .FirstOrDefaultAsync(cancellationToken);
        if (pending is not null)
        {
            if (pending.BrowserBindingHash is { } own && Security.Hashing.FixedTimeEquals(own, bindingHash))
                return new(pending, PushProblem.None);
            return await RefuseAsync(http, subjectId, clientId, "another request is pending", pending.ExpiresAt, cancellationToken);
        }

        var since = now - Options.RequestWindow;
        var recent = await db.PushRequests.AsNoTracking()
            .Where(r => r.SubjectId == subjectId && !r.IsTest && r.CreatedAt > since)
            .OrderBy(r => r.CreatedAt)
            .Select(r => r.CreatedAt)
            .ToListAsync(cancellationToken);
        if (recent.Count >= Options.MaxRequestsPerWindow)
            return await RefuseAsync(http, subjectId, clientId, "request limit", recent[recent.Count - Options.MaxRequestsPerWindow] + Options.RequestWindow, cancellationToken);

        if (await DenialWaitUntilAsync(subjectId, cancellationToken) is { } waitUntil && waitUntil > now)
            return await RefuseAsync(http, subjectId, clientId, "wait after denial", waitUntil, cancellationToken);

        var request = NewRequest(subjectId, now, isTest: false);
        request.ClientId = clientId;
        request.PortalName = Truncate(portalName, 200);
        request.IpAddress = http.Connection.RemoteIpAddress?.ToString();
        request.UserAgent = Truncate(http.Request.Headers.UserAgent.ToString(), 512);
        request.BrowserBindingHash = bindingHash;
        db.PushRequests.Add(request);
        audit.Add(PushAuditEvents.Requested, http, subjectId, clientId, $"push request {request.Id}");
        await db.SaveChangesAsync(cancellationToken);
        PushLog.Requested(logger, subjectId, request.Id);
        NotifyDevices(request);
        return new(request, PushProblem.None);
    }

    private async Task<PushRequestStart> RefuseAsync(HttpContext http, string subjectId, string? clientId, string reason, DateTimeOffset retryAt, CancellationToken cancellationToken)
    {
        audit.Add(PushAuditEvents.Throttled, http, subjectId, clientId, reason);
        await db.SaveChangesAsync(cancellationToken);
        PushLog.Throttled(logger, subjectId, reason);
        return new(null, PushProblem.TooManyRequests, retryAt);
    }

    /// <summary>After n denials (or wrong numbers) since the last approval: no new request before the last one + 30 s·2ⁿ⁻¹ (at most 15 min).</summary>
    public async Task<DateTimeOffset?> DenialWaitUntilAsync(string subjectId, CancellationToken cancellationToken = default)
    {
        var decided = await db.PushRequests.AsNoTracking()
            .Where(r => r.SubjectId == subjectId && !r.IsTest && r.DecidedAt != null
                && (r.State == PushRequestState.Approved || r.State == PushRequestState.Completed || r.State == PushRequestState.Denied || r.State == PushRequestState.WrongNumber))
            .OrderByDescending(r => r.DecidedAt)
            .Select(r => new { r.State, r.DecidedAt })
            .Take(30)
            .ToListAsync(cancellationToken);
        var failures = decided.TakeWhile(r => r.State is PushRequestState.Denied or PushRequestState.WrongNumber).ToList();
        if (failures.Count == 0)
            return null;
        var ticks = FirstDenialWait.Ticks * Math.Pow(2, Math.Min(failures.Count - 1, 20));
        var wait = ticks >= MaxDenialWait.Ticks ? MaxDenialWait : TimeSpan.FromTicks((long)ticks);
        return failures[0].DecidedAt!.Value + wait;
    }

    private async Task CreateTestRequestAsync(HttpContext? http, string subjectId, CancellationToken cancellationToken)
    {
        var request = NewRequest(subjectId, clock.GetUtcNow(), isTest: true);
        request.PortalName = "Test";
        request.IpAddress = http?.Connection.RemoteIpAddress?.ToString();
        request.UserAgent = http is null ? null : Truncate(http.Request.Headers.UserAgent.ToString(), 512);
        db.PushRequests.Add(request);
        audit.Add(PushAuditEvents.Requested, http, subjectId, details: $"push test request {request.Id}");
        await db.SaveChangesAsync(cancellationToken);
        NotifyDevices(request);
    }

    private PushRequest NewRequest(string subjectId, DateTimeOffset now, bool isTest)
    {
        var number = RandomNumberGenerator.GetInt32(10, 100);
        var choices = new List<int> { number };
        if (!isTest)
        {
            // The right number among two others, in random order.
            while (choices.Count < 3)
            {
                var other = RandomNumberGenerator.GetInt32(10, 100);
                if (!choices.Contains(other))
                    choices.Add(other);
            }
            RandomNumberGenerator.Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(choices));
        }
        return new PushRequest
        {
            Id = Security.Hashing.RandomToken(16),
            SubjectId = subjectId,
            Challenge = Security.Hashing.RandomToken(32),
            Number = number,
            NumberChoices = string.Join(' ', choices),
            State = PushRequestState.Pending,
            IsTest = isTest,
            CreatedAt = now,
            ExpiresAt = now + Options.RequestLifetime,
        };
    }

    /// <summary>A browser's request: only the user's, and only with the same browser binding.</summary>
    public async Task<PushRequest?> FindForBrowserAsync(string? requestId, string subjectId, string? browserBinding, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrEmpty(requestId) || requestId.Length > 64 || string.IsNullOrEmpty(browserBinding) || browserBinding.Length > 100)
            return null;
        var request = await db.PushRequests.AsNoTracking().FirstOrDefaultAsync(r => r.Id == requestId && r.SubjectId == subjectId && !r.IsTest, cancellationToken);
        if (request?.BrowserBindingHash is not { } hash || !Security.Hashing.FixedTimeEquals(hash, Security.Hashing.Sha256(browserBinding)))
            return null;
        return request;
    }

    public bool IsExpired(PushRequest request) => request.State == PushRequestState.Pending && request.ExpiresAt <= clock.GetUtcNow();

    /// <summary>Uses an approval once: the first browser call turns Approved into Completed; every other gets false.</summary>
    public async Task<bool> ConsumeApprovalAsync(PushRequest request, CancellationToken cancellationToken = default) =>
        await db.PushRequests.Where(r => r.Id == request.Id && r.State == PushRequestState.Approved)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.State, PushRequestState.Completed), cancellationToken) == 1;

    /// <summary>
    /// The device's decision, signed with its key over <c>{requestId}.{challenge}.{decision}.{number}</c>. The request
    /// must be pending, unexpired and for the credential's account; a wrong number ends it as a failure.
    /// </summary>
    public async Task<PushProblem> DecideAsync(HttpContext? http, PushCredential credential, string requestId, string? decision, int number, string? signature, CancellationToken cancellationToken = default)
    {
        if (decision is not ("approve" or "deny") || string.IsNullOrEmpty(signature) || signature.Length > 200)
            return PushProblem.InvalidRequest;
        var now = clock.GetUtcNow();
        var request = requestId.Length > 64 ? null : await db.PushRequests.AsNoTracking().FirstOrDefaultAsync(r => r.Id == requestId, cancellationToken);
        if (request is null || request.SubjectId != credential.SubjectId)
        {
            audit.Add(PushAuditEvents.Failed, http, credential.SubjectId, details: $"push {credential.Id}: decision for a request not of this account");
            await db.SaveChangesAsync(cancellationToken);
            return PushProblem.NotFound;
        }
        if (request.State != PushRequestState.Pending || request.ExpiresAt <= now)
            return PushProblem.Expired;

        var signedNumber = decision == "deny" ? 0 : number;
        if (!VerifySignature(credential.PublicKey, $"{request.Id}.{request.Challenge}.{decision}.{signedNumber}", signature))
        {
            audit.Add(PushAuditEvents.Failed, http, credential.SubjectId, request.ClientId, $"push request {request.Id}: invalid signature from {credential.Id}");
            await db.SaveChangesAsync(cancellationToken);
            PushLog.DecisionRefused(logger, credential.SubjectId, request.Id, "invalid signature");
            return PushProblem.InvalidSignature;
        }

        PushRequestState outcome;
        if (decision == "deny")
            outcome = PushRequestState.Denied;
        else if (number != request.Number)
            outcome = PushRequestState.WrongNumber;
        else
            outcome = PushRequestState.Approved;

        var decided = await db.PushRequests
            .Where(r => r.Id == request.Id && r.State == PushRequestState.Pending && r.ExpiresAt > now)
            .ExecuteUpdateAsync(s => s
                .SetProperty(r => r.State, outcome)
                .SetProperty(r => r.DecidedAt, now)
                .SetProperty(r => r.DecidedBy, credential.Id), cancellationToken);
        if (decided != 1)
            return PushProblem.Expired;
        await db.PushCredentials.Where(c => c.Id == credential.Id)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.LastUsedAt, now), cancellationToken);

        var type = outcome switch
        {
            PushRequestState.Approved => PushAuditEvents.Approved,
            PushRequestState.Denied => PushAuditEvents.Denied,
            _ => PushAuditEvents.WrongNumber,
        };
        audit.Add(type, http, credential.SubjectId, request.ClientId, $"push request {request.Id}{(request.IsTest ? " (test)" : "")} by {credential.Id}");
        await db.SaveChangesAsync(cancellationToken);
        PushLog.Decided(logger, credential.SubjectId, request.Id, outcome);
        return outcome == PushRequestState.WrongNumber ? PushProblem.WrongNumber : PushProblem.None;
    }

    /// <summary>"This was not me" after a denial: recorded once, and the user is told by e-mail.</summary>
    public async Task<PushProblem> ReportAsync(HttpContext? http, PushCredential credential, string requestId, CancellationToken cancellationToken = default)
    {
        var request = requestId.Length > 64 ? null : await db.PushRequests.AsNoTracking().FirstOrDefaultAsync(r => r.Id == requestId, cancellationToken);
        if (request is null || request.SubjectId != credential.SubjectId)
            return PushProblem.NotFound;
        if (request.State is not (PushRequestState.Denied or PushRequestState.WrongNumber))
            return PushProblem.InvalidRequest;
        var now = clock.GetUtcNow();
        if (await db.PushRequests.Where(r => r.Id == request.Id && r.ReportedAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(r => r.ReportedAt, now), cancellationToken) != 1)
            return PushProblem.None;
        audit.Add(PushAuditEvents.Reported, http, credential.SubjectId, request.ClientId, $"push request {request.Id} from {request.IpAddress}");
        await db.SaveChangesAsync(cancellationToken);
        PushLog.Reported(logger, credential.SubjectId, request.Id);
        var user = await users.FindByIdAsync(credential.SubjectId);
        if (!string.IsNullOrEmpty(user?.Email))
        {
            var when = request.CreatedAt.ToOffset(TimeSpan.Zero).ToString("yyyy-MM-dd HH:mm 'UTC'", System.Globalization.CultureInfo.InvariantCulture);
            var body = text["Push_Mail_NotMe_Body", user.FullName, user.AccountNumber, request.PortalName, when, request.IpAddress ?? "–", BrowserName(request.UserAgent) ?? "–", idpOptions.Value.Issuer.TrimEnd('/') + "/forgot-password"].Value;
            await email.SendAsync(new EmailMessage(user.Email, text["Push_Mail_NotMe_Subject"].Value, body), cancellationToken);
        }
        return PushProblem.None;
    }

    // ---- Delivery -----------------------------------------------------------------------------------------

    /// <summary>
    /// Queues Web Push to the user's devices (when a sender is registered). Sent by <see cref="PushDeliveryService"/>
    /// off the request path: a slow push service does not keep the waiting browser waiting.
    /// </summary>
    private void NotifyDevices(PushRequest request)
    {
        if (services.GetService<IWebPushSender>() is null)
            return;
        services.GetRequiredService<PushDeliveryQueue>().TryEnqueue(new PushDelivery(request.Id, request.SubjectId, request.PortalName));
    }

    /// <summary>Web Push to every device of the user that gave a subscription; a subscription that is gone is forgotten.</summary>
    internal async Task DeliverAsync(PushDelivery delivery, CancellationToken cancellationToken)
    {
        if (services.GetService<IWebPushSender>() is not { } sender)
            return;
        // Decided or expired while queued: nothing to wake the device for.
        var now = clock.GetUtcNow();
        if (!await db.PushRequests.AnyAsync(r => r.Id == delivery.RequestId && r.State == PushRequestState.Pending && r.ExpiresAt > now, cancellationToken))
            return;
        var targets = await db.PushCredentials.AsNoTracking()
            .Where(c => c.SubjectId == delivery.SubjectId && c.SubscriptionEndpoint != null && c.SubscriptionP256dh != null && c.SubscriptionAuth != null)
            .ToListAsync(cancellationToken);
        var payload = JsonSerializer.SerializeToUtf8Bytes(new { type = "request", requestId = delivery.RequestId, portalName = delivery.PortalName });
        foreach (var target in targets)
        {
            try
            {
                var result = await sender.SendAsync(new WebPushSubscription(target.SubscriptionEndpoint!, target.SubscriptionP256dh!, target.SubscriptionAuth!), payload, Options.RequestLifetime, cancellationToken);
                if (result == WebPushResult.Gone)
                    await SetSubscriptionAsync(target, null, cancellationToken);
                PushLog.WebPushSent(logger, target.Id, result);
            }
            catch (Exception e) when (e is HttpRequestException or InvalidOperationException or CryptographicException
                || e is TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                PushLog.WebPushFailed(logger, target.Id, e.GetType().Name);
            }
        }
    }

    // ---- Helpers ------------------------------------------------------------------------------------------

    /// <summary>An uncompressed P-256 SubjectPublicKeyInfo in base64url, or null.</summary>
    public static byte[]? ParsePublicKey(string? publicKey)
    {
        if (string.IsNullOrEmpty(publicKey) || publicKey.Length > 200)
            return null;
        try
        {
            var spki = System.Buffers.Text.Base64Url.DecodeFromChars(publicKey);
            if (spki.Length != P256SpkiLength)
                return null;
            using var key = ECDsa.Create();
            key.ImportSubjectPublicKeyInfo(spki, out var read);
            if (read != spki.Length || key.ExportParameters(false).Curve.Oid.Value != NistP256Oid)
                return null;
            return key.ExportSubjectPublicKeyInfo().AsSpan().SequenceEqual(spki) ? spki : null;
        }
        catch (Exception e) when (e is FormatException or CryptographicException)
        {
            return null;
        }
    }

    /// <summary>ECDSA P-256 / SHA-256, IEEE P1363 (<c>r‖s</c>, 64 bytes, what WebCrypto produces).</summary>
    public static bool VerifySignature(byte[] spki, string message, string signature)
    {
        try
        {
            var bytes = System.Buffers.Text.Base64Url.DecodeFromChars(signature);
            if (bytes.Length != 64)
                return false;
            using var key = ECDsa.Create();
            key.ImportSubjectPublicKeyInfo(spki, out _);
            return key.VerifyData(Encoding.UTF8.GetBytes(message), bytes, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        }
        catch (Exception e) when (e is FormatException or CryptographicException)
        {
            return false;
        }
    }

    /// <summary>"+49 ••• ••• 12": the country code and the last two digits.</summary>
    public static string MaskPhone(string phone)
    {
        var digits = new string(phone.Where(char.IsAsciiDigit).ToArray());
        var last = digits.Length >= 2 ? digits[^2..] : digits;
        var prefix = phone.TrimStart().StartsWith('+') && digits.Length > 4 ? "+" + digits[..2] + " " : "";
        return $"{prefix}••• ••• {last}";
    }

    /// <summary>A short browser name from a User-Agent ("Firefox on Linux"), for the device's display.</summary>
    public static string? BrowserName(string? userAgent)
    {
        if (string.IsNullOrWhiteSpace(userAgent))
            return null;
        var browser = userAgent.Contains("Edg/") ? "Edge"
            : userAgent.Contains("Firefox/") ? "Firefox"
            : userAgent.Contains("Chrome/") || userAgent.Contains("Chromium/") ? "Chrome"
            : userAgent.Contains("Safari/") ? "Safari"
            : null;
        var system = userAgent.Contains("Windows") ? "Windows"
            : userAgent.Contains("Android") ? "Android"
            : userAgent.Contains("iPhone") || userAgent.Contains("iPad") ? "iOS"
            : userAgent.Contains("Mac OS X") ? "macOS"
            : userAgent.Contains("Linux") ? "Linux"
            : null;
        return browser is null ? Truncate(userAgent, 60) : system is null ? browser : $"{browser} ({system})";
    }

    private static string CodeHash(string registrationId, string code) => Security.Hashing.Sha256($"{registrationId}:{code}");

    private static string Truncate(string value, int max) => value.Length <= max ? value : value[..max];
}

public static class PushAuditEvents
{
    public const string RegistrationStarted = "push.registration_started";
    public const string RegistrationFailed = "push.registration_failed";
    public const string Requested = "push.requested";
    public const string Approved = "push.approved";
    public const string Denied = "push.denied";
    public const string WrongNumber = "push.wrong_number";
    public const string Failed = "push.failed";
    public const string Throttled = "push.throttled";
    public const string Reported = "push.reported_not_me";
    public const string PhoneChanged = "account.phone_changed";
}

/// <summary>Push log events (3200–3229). Never a code, a token or a signature.</summary>
internal static partial class PushLog
{
    [LoggerMessage(EventId = 3200, Level = LogLevel.Information, Message = "Push registration {RegistrationId} started for {SubjectId}; code sent by SMS")]
    public static partial void RegistrationStarted(ILogger logger, string subjectId, string registrationId);

    [LoggerMessage(EventId = 3201, Level = LogLevel.Information, Message = "Push registration refused for {SubjectId}: {Reason}")]
    public static partial void RegistrationRefused(ILogger logger, string subjectId, string reason);

    [LoggerMessage(EventId = 3202, Level = LogLevel.Information, Message = "Push request {RequestId} created for {SubjectId}")]
    public static partial void Requested(ILogger logger, string subjectId, string requestId);

    [LoggerMessage(EventId = 3203, Level = LogLevel.Information, Message = "Push request {RequestId} of {SubjectId} decided: {Outcome}")]
    public static partial void Decided(ILogger logger, string subjectId, string requestId, PushRequestState outcome);

    [LoggerMessage(EventId = 3204, Level = LogLevel.Warning, Message = "Push decision on {RequestId} of {SubjectId} refused: {Reason}")]
    public static partial void DecisionRefused(ILogger logger, string subjectId, string requestId, string reason);

    [LoggerMessage(EventId = 3205, Level = LogLevel.Warning, Message = "Push request for {SubjectId} refused: {Reason}")]
    public static partial void Throttled(ILogger logger, string subjectId, string reason);

    [LoggerMessage(EventId = 3206, Level = LogLevel.Warning, Message = "Push request {RequestId} of {SubjectId} reported as not made by the user")]
    public static partial void Reported(ILogger logger, string subjectId, string requestId);

    [LoggerMessage(EventId = 3207, Level = LogLevel.Information, Message = "Web Push to credential {CredentialId}: {Result}")]
    public static partial void WebPushSent(ILogger logger, string credentialId, WebPushResult result);

    [LoggerMessage(EventId = 3208, Level = LogLevel.Warning, Message = "Web Push to credential {CredentialId} failed: {Error}")]
    public static partial void WebPushFailed(ILogger logger, string credentialId, string error);

    [LoggerMessage(EventId = 3209, Level = LogLevel.Warning, Message = "Web Push queue full: push request {RequestId} of {SubjectId} is not sent (the device sees it when it polls)")]
    public static partial void DeliveryQueueFull(ILogger logger, string subjectId, string requestId);

    [LoggerMessage(EventId = 3210, Level = LogLevel.Warning, Message = "Web Push for push request {RequestId} failed: {Error}")]
    public static partial void DeliveryFailed(ILogger logger, string requestId, string error);

    [LoggerMessage(EventId = 3211, Level = LogLevel.Information, Message = "Web Push for push request {RequestId} cancelled at shutdown")]
    public static partial void DeliveryCancelled(ILogger logger, string requestId);

    [LoggerMessage(EventId = 3212, Level = LogLevel.Warning, Message = "{Count} Web Push deliveries not sent at shutdown")]
    public static partial void DeliveriesLeftAtShutdown(ILogger logger, int count);
}
