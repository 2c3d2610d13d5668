using Idp.Data.Entities;
using Idp.Helpdesk;
using Idp.IntegrationTests.Infrastructure;
using Idp.Testing;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;

namespace Idp.IntegrationTests.Helpdesk;

/// <summary>Direct calls of the helpdesk domain and seeding of roles, for the helpdesk tests.</summary>
internal static class HelpdeskSteps
{
    /// <summary>A node on a fresh database whose clock starts at <paramref name="start"/> (SLA tests need known weekdays).</summary>
    public static IdpFactory NodeAt(DateTimeOffset start) =>
        new(TestDatabase.Create(), ownsDatabase: true, IdpFactory.NewKeyEncryptionKey(), new FakeTimeProvider(start));

    public static Task<T> HelpdeskAsync<T>(this IdpFactory idp, Func<HelpdeskRequests, Task<T>> action) =>
        idp.WithScopeAsync(services => action(services.GetRequiredService<HelpdeskRequests>()));

    public static Task<SubmitResult> SubmitAsync(this IdpFactory idp, IdpUser user, string contact = "+49 30 1234567", string? message = "Phone fell into the lake", string ip = "203.0.113.7") =>
        idp.HelpdeskAsync(helpdesk => helpdesk.SubmitAsync(user, new ResetRequestForm(ResetReason.Lost, contact, message), HttpFrom(ip)));

    public static Task<SlaMonitor.Result> RunSlaAsync(this IdpFactory idp) =>
        idp.WithScopeAsync(services => services.GetRequiredService<SlaMonitor>().RunAsync());

    public static HttpContext HttpFrom(string ip)
    {
        var http = new DefaultHttpContext();
        http.Connection.RemoteIpAddress = System.Net.IPAddress.Parse(ip);
        return http;
    }

    public static async Task<IdpUser> CreateStaffAsync(this IdpFactory idp, string role, string? email = null)
    {
        var user = await idp.CreateUserAsync(email: email);
        await idp.AddRoleAsync(user, role);
        return user;
    }

    public static Task AddRoleAsync(this IdpFactory idp, IdpUser user, string role) => idp.WithDbAsync(async db =>
    {
        var normalized = role.ToUpperInvariant();
        var existing = db.Roles.FirstOrDefault(r => r.NormalizedName == normalized);
        if (existing is null)
        {
            existing = new IdentityRole(role) { NormalizedName = normalized };
            db.Roles.Add(existing);
        }
        db.UserRoles.Add(new IdentityUserRole<string> { UserId = user.Id, RoleId = existing.Id });
        await db.SaveChangesAsync();
    });
}
