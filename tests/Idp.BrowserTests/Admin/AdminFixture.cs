using Idp.Accounts;
using Idp.Data.Entities;
using Idp.Factors.Totp;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Idp.BrowserTests.Admin;

/// <summary>Idp and the admin area (<see cref="AdminHost"/>) on Kestrel side by side, one Chromium.</summary>
public sealed class AdminFixture : IAsyncLifetime
{
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public AdminFixture()
    {
        Admin = AdminHost.Register(Host);
    }

    public IdpHost Host { get; } = new();
    public AdminHost Admin { get; }

    public IBrowser Browser => _browser ?? throw new InvalidOperationException(Chromium.SkipReason);

    public async Task InitializeAsync()
    {
        Host.Start();
        Admin.Start();
        if (!Chromium.IsInstalled)
            return;
        Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        _playwright = await Playwright.CreateAsync();
        _browser = await Chromium.LaunchAsync(_playwright);
    }

    public Task<BrowserSession> NewSessionAsync(string testName, bool javaScript = true) =>
        BrowserSession.OpenAsync(Browser, Host, testName, javaScript);

    /// <summary>A staff member with <paramref name="roles"/> and an authenticator app (enrolled half a minute ago); returns its secret.</summary>
    public async Task<(IdpUser User, byte[] Secret)> CreateStaffAsync(params string[] roles)
    {
        var user = await Host.CreateUserAsync();
        await using var scope = Host.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<IdpUser>>();
        var result = await users.AddToRolesAsync((await users.FindByIdAsync(user.Id))!, roles);
        Assert.True(result.Succeeded, string.Join("; ", result.Errors.Select(e => e.Description)));
        var totp = scope.ServiceProvider.GetRequiredService<TotpAuthenticators>();
        var candidate = totp.NewCandidate(user.Id);
        var earlier = TotpAlgorithm.Compute(candidate.Secret, TotpAlgorithm.StepAt(DateTimeOffset.UtcNow) - 1);
        Assert.NotNull(await totp.EnrolAsync(new DefaultHttpContext(), candidate, "Staff phone", earlier));
        return (user, candidate.Secret);
    }

    public static readonly string[] AllRoles = [StaffRoles.Helpdesk, StaffRoles.Supervisor, StaffRoles.Admin];

    public async Task DisposeAsync()
    {
        if (_browser is not null)
            await _browser.CloseAsync();
        _playwright?.Dispose();
        await Admin.DisposeAsync();
        await Host.DisposeAsync();
    }
}
