using Idp.Accounts;
using Idp.Authentication;
using Idp.Data.Entities;
using Idp.Factors.Totp;
using Idp.Helpdesk;
using Idp.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;

namespace Idp.Admin.Tests.Infrastructure;

/// <summary>Idp and the admin area in memory on one database and one fake clock, with the idp-admin client.</summary>
public sealed class AdminWorld : IAsyncDisposable
{
    private AdminWorld(IdpFactory idp, AdminFactory admin)
    {
        Idp = idp;
        Admin = admin;
    }

    public IdpFactory Idp { get; }
    public AdminFactory Admin { get; }

    /// <param name="configureAdmin">Changes to the admin area's services (e.g. a stub for portals' back-channel logout endpoints).</param>
    public static AdminWorld Start(string requiredAcr = AuthenticationLevels.SecondFactorAcr, Action<IdpFactory>? configure = null, Action<IServiceCollection>? configureAdmin = null)
    {
        var idp = new IdpFactory();
        idp.WithClient(TestClients.Create("idp-admin", client =>
        {
            client.Secret = AdminFactory.ClientSecret;
            client.RedirectUris = [AdminFactory.BaseUrl + "/signin-idp"];
            client.PostLogoutRedirectUris = [AdminFactory.BaseUrl + "/signed-out"];
            client.AllowedGrantTypes = ["authorization_code"];
            client.AllowedScopes = ["openid", "profile", "email", "roles"];
        }));
        configure?.Invoke(idp);
        idp.Start();
        var admin = new AdminFactory(idp, requiredAcr, configureAdmin);
        _ = admin.Server;
        return new AdminWorld(idp, admin);
    }

    public StaffBrowser CreateBrowser() => new(Idp, Admin);

    /// <summary>A staff member with the given roles and an authenticator app; returns the user and the app's secret.</summary>
    public async Task<(IdpUser User, byte[] Secret)> CreateStaffAsync(params string[] roles)
    {
        var user = await Idp.CreateUserAsync();
        await Idp.WithScopeAsync(async services =>
        {
            var users = services.GetRequiredService<UserManager<IdpUser>>();
            if (roles.Length > 0)
                Assert.True((await users.AddToRolesAsync((await users.FindByIdAsync(user.Id))!, roles)).Succeeded);
        });
        return (user, await SeedTotpAsync(user));
    }

    /// <summary>Stores an authenticator for the user (as if enrolled a minute ago); returns its secret.</summary>
    public async Task<byte[]> SeedTotpAsync(IdpUser user) =>
        await Idp.WithScopeAsync(async services =>
        {
            var totp = services.GetRequiredService<TotpAuthenticators>();
            var candidate = totp.NewCandidate(user.Id);
            var earlier = TotpAlgorithm.Compute(candidate.Secret, Idp.Clock.GetUtcNow().AddSeconds(-30));
            Assert.NotNull(await totp.EnrolAsync(new DefaultHttpContext(), candidate, "Seeded phone", earlier));
            return candidate.Secret;
        });

    public string CodeFor(byte[] secret) => TotpAlgorithm.Compute(secret, Idp.Clock.GetUtcNow());

    /// <summary>Opens <paramref name="path"/> of the admin area and signs in at Idp with password and authenticator code.</summary>
    public async Task<BrowserResponse> SignInToAdminAsync(StaffBrowser browser, IdpUser user, byte[]? secret, string path = "/queue")
    {
        var page = await browser.GetAsync(path);
        Assert.Equal("/signin", page.Url.AbsolutePath);
        page = await browser.SubmitFormAsync("#signin-form", new() { ["Input.Login"] = user.AccountNumber, ["Input.Password"] = TestUsers.Password });
        if (page.Url.AbsolutePath == "/signin/totp" && secret is not null)
        {
            Idp.Clock.Advance(TimeSpan.FromSeconds(30)); // a fresh step: each code is accepted once
            page = await browser.SubmitFormAsync("#totp-form", new() { ["Input.Code"] = CodeFor(secret) });
        }
        return page;
    }

    /// <summary>The user's reset request, as submitted on the user's form.</summary>
    public async Task<ResetRequest> SubmitResetRequestAsync(IdpUser user, string contact = "+49 89 1234567")
    {
        return await Idp.WithScopeAsync(async services =>
        {
            var result = await services.GetRequiredService<HelpdeskRequests>()
                .SubmitAsync(user, new ResetRequestForm(ResetReason.Lost, contact, "Phone lost on the train"), new DefaultHttpContext());
            Assert.Equal(SubmitOutcome.Created, result.Outcome);
            return result.Request!;
        });
    }

    public Task<ResetRequest?> FindRequestAsync(string id) =>
        Idp.WithScopeAsync(services => services.GetRequiredService<HelpdeskRequests>().FindAsync(id));

    public async ValueTask DisposeAsync()
    {
        await Admin.DisposeAsync();
        await Idp.DisposeAsync();
    }
}

public static class StaffRolesFor
{
    public static readonly string[] Helpdesk = [StaffRoles.Helpdesk];
    public static readonly string[] Supervisor = [StaffRoles.Helpdesk, StaffRoles.Supervisor];
    public static readonly string[] Admin = [StaffRoles.Admin, StaffRoles.Supervisor, StaffRoles.Helpdesk];
}
