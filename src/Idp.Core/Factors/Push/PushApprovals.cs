using System.Security.Cryptography;
using Idp.Accounts;
using Idp.Data;
using Idp.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Idp.Factors.Push;

/// <summary>
/// Push approval requests: one for a browser that waits after the password (or steps up), with number matching and
/// the limits against push bombing, and the test request after a registration. All state lives in the database, so
/// the waiting browser, the device and the node that created a request may all be different.
/// </summary>
public sealed class PushApprovals(
    IdpDbContext db,
    AuditTrail audit,
    IServiceProvider services,
    TimeProvider clock,
    IOptions<PushOptions> pushOptions,
    ILogger<PushApprovals> logger)
{
    /// <summary>The first wait after a denial or wrong number; doubles with each further one.</summary>
    public static readonly TimeSpan FirstDenialWait = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan MaxDenialWait = TimeSpan.FromMinutes(15);

    private PushOptions Options => pushOptions.Value;

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
            return await RefuseAsync(http, subjectId, clientId, "request limit", recent[recent.Count - Options.MaxRequestsPerWindow] + Options.RequestWindow, cancellationToken,
                await LastFailureAsync(subjectId, cancellationToken));

        if (await DenialWaitUntilAsync(subjectId, cancellationToken) is { } waitUntil && waitUntil > now)
            return await RefuseAsync(http, subjectId, clientId, "wait after denial", waitUntil, cancellationToken,
                await LastFailureAsync(subjectId, cancellationToken));

        var request = NewRequest(subjectId, now, isTest: false);
        request.ClientId = clientId;
        request.PortalName = Truncate(portalName, 200);
        request.IpAddress = http.Connection.RemoteIpAddress?.ToString();
        request.UserAgent = Truncate(http.Request.Headers.UserAgent.ToString(), 512);
        request.BrowserBindingHash = bindingHash;
        db.PushRequests.Add(request);
        audit.Add(PushAuditEvents.Requested, http, subjectId, clientId, $"push request {request.Id}");
        NotifyDevices(request, now);
        await db.SaveChangesAsync(cancellationToken);
        PushLog.Requested(logger, subjectId, request.Id);
        WakeOutbox();
        return new(request, PushProblem.None);
    }

    private async Task<PushRequestStart> RefuseAsync(HttpContext http, string subjectId, string? clientId, string reason, DateTimeOffset retryAt, CancellationToken cancellationToken, PushRequestState? lastFailure = null)
    {
        audit.Add(PushAuditEvents.Throttled, http, subjectId, clientId, reason);
        await db.SaveChangesAsync(cancellationToken);
        PushLog.Throttled(logger, subjectId, reason);
        return new(null, PushProblem.TooManyRequests, retryAt, lastFailure);
    }

    /// <summary>How the user's most recently decided request ended, when it was denied or got a wrong number.</summary>
    private async Task<PushRequestState?> LastFailureAsync(string subjectId, CancellationToken cancellationToken)
    {
        var last = await db.PushRequests.AsNoTracking()
            .Where(r => r.SubjectId == subjectId && !r.IsTest && r.DecidedAt != null)
            .OrderByDescending(r => r.DecidedAt)
            .Select(r => (PushRequestState?)r.State)
            .FirstOrDefaultAsync(cancellationToken);
        return last is PushRequestState.Denied or PushRequestState.WrongNumber ? last : null;
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

    /// <summary>The test approval right after a registration, as Microsoft Authenticator sends one.</summary>
    internal async Task CreateTestRequestAsync(HttpContext? http, string subjectId, CancellationToken cancellationToken)
    {
        var request = NewRequest(subjectId, clock.GetUtcNow(), isTest: true);
        request.PortalName = "Test";
        request.IpAddress = http?.Connection.RemoteIpAddress?.ToString();
        request.UserAgent = http is null ? null : Truncate(http.Request.Headers.UserAgent.ToString(), 512);
        db.PushRequests.Add(request);
        audit.Add(PushAuditEvents.Requested, http, subjectId, details: $"push test request {request.Id}");
        NotifyDevices(request, request.CreatedAt);
        await db.SaveChangesAsync(cancellationToken);
        WakeOutbox();
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

    // ---- Delivery -----------------------------------------------------------------------------------------

    /// <summary>
    /// Writes Web Push to the user's devices to the outbox with the request (when a sender is registered), given up
    /// when the request expires. Sent by the outbox dispatcher off the request path: a slow push service does not
    /// keep the waiting browser waiting.
    /// </summary>
    private void NotifyDevices(PushRequest request, DateTimeOffset now)
    {
        if (services.GetService<IWebPushSender>() is not null)
            db.Outbox.Add(PushDeliveryMessages.For(request, now));
    }

    private void WakeOutbox()
    {
        if (services.GetService<IWebPushSender>() is not null)
            services.GetRequiredService<Messaging.OutboxSignal>().Notify();
    }

    // ---- Helpers ------------------------------------------------------------------------------------------

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

    private static string Truncate(string value, int max) => value.Length <= max ? value : value[..max];
}
