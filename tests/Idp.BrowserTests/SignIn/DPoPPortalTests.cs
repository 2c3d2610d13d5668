using Idp.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Idp.BrowserTests.SignIn;

/// <summary>samples/Portal with <c>Portal:UseDPoP</c>: a sign-in in a real browser redeems the code with a DPoP proof (RFC 9449 §5).</summary>
public sealed class DPoPPortalTests(BrowserHostFixture fixture) : IClassFixture<BrowserHostFixture>, IAsyncLifetime
{
    private PortalHost _portal = null!;

    private IdpHost Host => fixture.Host;

    public Task InitializeAsync()
    {
        _portal = new PortalHost(Host, ("Portal:UseDPoP", "true")).Start();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _portal.DisposeAsync();

    [BrowserFact]
    public async Task Portal_WithUseDPoP_SignsInWithAProofAtTheTokenEndpoint()
    {
        var user = await Host.CreateUserAsync();
        await using var session = await fixture.NewSessionAsync(nameof(Portal_WithUseDPoP_SignsInWithAProofAtTheTokenEndpoint));
        var page = session.Page;

        await session.RunAsync(async () =>
        {
            await page.GotoAsync(_portal.BaseUrl + "/claims");
            await page.WaitForPageAsync("**/signin**");
            await page.Locator("#Input_Login").FillAsync(user.UserName!);
            await page.Locator("#Input_Password").FillAsync(IdpHost.Password);
            await page.Locator("#signin-form button[type=submit]").ClickAsync();
            await page.WaitForPageAsync(_portal.BaseUrl + "/claims");
            await session.StepAsync("claims");

            // The proof's jti was spent in the replay guard's DPoP scope: the token request carried a valid proof.
            await using var scope = Host.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<IdpDbContext>();
            Assert.True(await db.UsedJtis.AnyAsync(u => u.Scope.StartsWith("dpop:")), "no DPoP proof reached the token endpoint");
            session.AssertNoErrors();
        });
    }
}
