using Idp.Accounts;
using Idp.Data;
using Idp.Data.Entities;
using Idp.Factors;
using Microsoft.EntityFrameworkCore;

namespace Idp.Authentication;

/// <summary>
/// "Trust this browser for N days": a random token in a cookie, its SHA-256 in <see cref="TrustedBrowser"/>.
/// It only lets a sign-in skip the second factor; step-up and <c>max_age</c> always ask for one.
/// </summary>
public sealed class TrustedBrowsers(IdpDbContext db, AuditTrail audit, TimeProvider clock, ILogger<TrustedBrowsers> logger)
{
    public const string CookieName = "idp.trusted";

    public async Task TrustAsync(HttpContext http, string subjectId, int days, CancellationToken cancellationToken = default)
    {
        if (days <= 0)
            return;
        var now = clock.GetUtcNow();
        var token = Hashing.RandomToken(32);
        var userAgent = http.Request.Headers.UserAgent.ToString();
        db.TrustedBrowsers.Add(new TrustedBrowser
        {
            Id = Hashing.Sha256(token),
            SubjectId = subjectId,
            CreatedAt = now,
            ExpiresAt = now.AddDays(days),
            UserAgent = userAgent.Length > 512 ? userAgent[..512] : userAgent,
        });
        audit.Add(AuditEventTypes.BrowserTrusted, http, subjectId, details: $"{days} days");
        await db.SaveChangesAsync(cancellationToken);
        // HttpOnly, SameSite and Secure (for https issuers) also come from the application's cookie policy.
        http.Response.Cookies.Append(CookieName, token, new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Lax,
            Expires = now.AddDays(days),
            Path = "/",
            IsEssential = true,
        });
        FactorsLog.BrowserTrusted(logger, subjectId, days);
    }

    public async Task<bool> IsTrustedAsync(HttpContext http, string subjectId, CancellationToken cancellationToken = default)
    {
        var token = http.Request.Cookies[CookieName];
        if (string.IsNullOrEmpty(token) || token.Length > 100)
            return false;
        var id = Hashing.Sha256(token);
        var now = clock.GetUtcNow();
        return await db.TrustedBrowsers
            .Where(b => b.Id == id && b.SubjectId == subjectId && b.ExpiresAt > now)
            .ExecuteUpdateAsync(s => s.SetProperty(b => b.LastUsedAt, now), cancellationToken) == 1;
    }

    public async Task<IReadOnlyList<TrustedBrowser>> ListAsync(string subjectId, CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow();
        return await db.TrustedBrowsers.AsNoTracking().Where(b => b.SubjectId == subjectId && b.ExpiresAt > now)
            .OrderByDescending(b => b.CreatedAt).ToListAsync(cancellationToken);
    }

    public async Task<bool> RevokeAsync(HttpContext http, string subjectId, string id, CancellationToken cancellationToken = default)
    {
        var removed = await db.TrustedBrowsers.Where(b => b.Id == id && b.SubjectId == subjectId).ExecuteDeleteAsync(cancellationToken);
        if (removed > 0)
            await audit.RecordAsync(AuditEventTypes.TrustedBrowserRevoked, http, subjectId, cancellationToken: cancellationToken);
        return removed > 0;
    }
}
