using System.Security.Claims;
using Idp.Configuration;
using Idp.Data;
using Idp.Data.Entities;
using Idp.Security;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace Idp.Authentication;

/// <summary>
/// The single sign-on session. The cookie carries the session id and subject; the <see cref="UserSession"/>
/// row is the truth (factors, level, <c>auth_time</c>), so revoking it ends the session on every node.
/// </summary>
public sealed class SessionService(
    IdpDbContext db,
    ISessionReads reads,
    TimeProvider clock,
    IOptions<IdpOptions> options,
    IMemoryCache cache,
    ILogger<SessionService> logger)
{
    public const string Scheme = "Idp.Session";
    public const string CookieName = "idp.session";
    private const string ItemKey = "Idp.Session.Current";

    /// <summary>
    /// Starts a new session after an interactive sign-in; any session the browser had is ended, so the
    /// session id is always renewed at sign-in.
    /// </summary>
    public async Task<UserSession> SignInAsync(HttpContext http, IdpUser user, IReadOnlyCollection<string> amr, AuthenticationLevel level, bool persistent, bool grace = false)
    {
        var now = clock.GetUtcNow();
        var previous = await GetCurrentAsync(http);
        if (previous is not null)
            previous.EndedAt = now;

        var lifetime = persistent ? options.Value.Session.PersistentLifetime : options.Value.Session.Lifetime;
        var session = new UserSession
        {
            Id = Hashing.RandomToken(24),
            SubjectId = user.Id,
            CreatedAt = now,
            AuthTime = now,
            Amr = string.Join(' ', amr.Distinct()),
            Acr = level.ToAcr(),
            Persistent = persistent,
            Grace = grace,
            ExpiresAt = now + lifetime,
            IpAddress = http.Connection.RemoteIpAddress?.ToString(),
            UserAgent = Truncate(http.Request.Headers.UserAgent.ToString(), 512),
        };
        db.UserSessions.Add(session);
        await db.SaveChangesAsync();
        // Counted in the database itself, not by writing the account back: concurrent sign-ins of one account (on
        // any node) each count, and none fails on the row's concurrency stamp.
        await db.Users.Where(u => u.Id == user.Id).ExecuteUpdateAsync(set => set
            .SetProperty(u => u.SignInCount, u => u.SignInCount + 1)
            .SetProperty(u => u.LastSignInAt, now));
        db.Written(user, u => u.SignInCount, user.SignInCount + 1);
        db.Written(user, u => u.LastSignInAt, now);

        var principal = new ClaimsPrincipal(new ClaimsIdentity(
            [new Claim(IdpClaimTypes.Subject, user.Id), new Claim(IdpClaimTypes.SessionId, session.Id)],
            Scheme, IdpClaimTypes.Subject, null));
        await http.SignInAsync(Scheme, principal, new AuthenticationProperties
        {
            IsPersistent = persistent,
            ExpiresUtc = session.ExpiresAt,
            AllowRefresh = false,
        });
        http.Items[ItemKey] = new SessionRead(session, user, null);
        Log.SessionStarted(logger, user.Id, session.Amr);
        return session;
    }

    /// <summary>
    /// Records a further factor in the current session (step-up): the level can only rise, and
    /// <c>auth_time</c> moves to now because the user authenticated interactively.
    /// </summary>
    public async Task StepUpAsync(UserSession session, IReadOnlyCollection<string> amr, AuthenticationLevel level)
    {
        var current = AuthenticationLevels.FromAcr(session.Acr) ?? AuthenticationLevel.Password;
        session.Amr = string.Join(' ', session.Amr.Split(' ', StringSplitOptions.RemoveEmptyEntries).Concat(amr).Distinct());
        session.Acr = (level > current ? level : current).ToAcr();
        session.AuthTime = clock.GetUtcNow();
        await db.SaveChangesAsync();
    }

    /// <summary>The browser's active session, or null. Loaded once per request.</summary>
    public async Task<UserSession?> GetCurrentAsync(HttpContext http) => (await GetCurrentReadAsync(http))?.Session;

    /// <summary>
    /// The browser's active session with its user (and, where the read tells, whether the user has a factor), or
    /// null. Loaded once per request; the session is tracked, as step-up and sign-out change it.
    /// </summary>
    public async Task<SessionRead?> GetCurrentReadAsync(HttpContext http)
    {
        if (http.Items.TryGetValue(ItemKey, out var cached))
            return cached as SessionRead;

        var result = await http.AuthenticateAsync(Scheme);
        var sessionId = result.Principal?.FindFirst(IdpClaimTypes.SessionId)?.Value;
        var subject = result.Principal?.FindFirst(IdpClaimTypes.Subject)?.Value;
        SessionRead? read = null;
        if (sessionId is not null && subject is not null)
        {
            var now = clock.GetUtcNow();
            read = await reads.FindAsync(sessionId, subject, http.RequestAborted);
            if (read is null || read.Session.SubjectId != subject || read.Session.EndedAt is not null || read.Session.ExpiresAt <= now)
                read = null;
            else
                read = read with { Session = Track(read.Session) };
        }
        http.Items[ItemKey] = read;
        return read;
    }

    // The instance the context already tracks, if a query of this request loaded the row before.
    private UserSession Track(UserSession session) =>
        db.UserSessions.Local.FindEntry(session.Id)?.Entity ?? db.UserSessions.Attach(session).Entity;

    /// <summary>Ends the browser's session; returns it (with its clients, for back-channel logout) or null.</summary>
    /// <param name="ending">Called with the session and its clients before the ending is saved: what it adds to the context is saved with it.</param>
    public async Task<UserSession?> SignOutAsync(HttpContext http, Func<UserSession, IReadOnlyList<string>, Task>? ending = null)
    {
        var session = await GetCurrentAsync(http);
        if (session is not null)
        {
            await db.Entry(session).Collection(s => s.Clients).LoadAsync();
            session.EndedAt = clock.GetUtcNow();
            if (ending is not null)
                await ending(session, session.Clients.Select(c => c.ClientId).ToList());
            await db.SaveChangesAsync();
            Log.SessionEnded(logger, session.SubjectId);
        }
        await http.SignOutAsync(Scheme);
        http.Items[ItemKey] = null;
        return session;
    }

    /// <summary>Notes that a client received tokens in this session (for back-channel logout).</summary>
    public async Task AddClientAsync(UserSession session, string clientId)
    {
        // Every authorization of a portal in a session would otherwise cost a query; the row never changes.
        var cacheKey = $"session-client:{session.Id}:{clientId}";
        if (cache.TryGetValue(cacheKey, out _))
            return;
        var known = await db.UserSessionClients.AnyAsync(c => c.SessionId == session.Id && c.ClientId == clientId);
        if (!known)
        {
            db.UserSessionClients.Add(new UserSessionClient { SessionId = session.Id, ClientId = clientId });
            try
            {
                await db.SaveChangesAsync();
            }
            catch (DbUpdateException)
            {
                // Two concurrent requests of the same client in one session: the row is there either way.
                db.ChangeTracker.Clear();
            }
        }
        cache.Set(cacheKey, true, new MemoryCacheEntryOptions { SlidingExpiration = TimeSpan.FromMinutes(10) });
    }

    public static void ConfigureCookie(CookieAuthenticationOptions cookie)
    {
        cookie.Cookie.Name = CookieName;
        cookie.Cookie.HttpOnly = true;
        cookie.Cookie.SameSite = SameSiteMode.Lax;
        // Made Secure for every https issuer by the application's cookie policy (IdpApplication).
        cookie.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        cookie.SlidingExpiration = false;
        cookie.LoginPath = "/signin";
        cookie.LogoutPath = "/signout";
        cookie.AccessDeniedPath = "/signin";
    }

    private static string? Truncate(string? value, int length) =>
        string.IsNullOrEmpty(value) ? null : value.Length <= length ? value : value[..length];
}

internal static partial class Log
{
    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "Session started for {SubjectId} with {Amr}")]
    public static partial void SessionStarted(ILogger logger, string subjectId, string amr);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Information, Message = "Session ended for {SubjectId}")]
    public static partial void SessionEnded(ILogger logger, string subjectId);
}
