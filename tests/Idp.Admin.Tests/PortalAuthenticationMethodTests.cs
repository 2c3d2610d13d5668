using Idp.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Idp.Admin.Tests.Infrastructure;
using Idp.IntegrationTests.Infrastructure;
using Idp.Testing;

namespace Idp.Admin.Tests;

/// <summary>The portal pages show how a portal authenticates and where its keys come from.</summary>
public sealed class PortalAuthenticationMethodTests
{
    [Fact]
    public async Task Portal_WithJwksUri_ShowsPrivateKeyJwtAndTheUri_AndNoSecretRotation()
    {
        await using var world = AdminWorld.Start(configure: idp => idp.WithClient(TestClients.Create("key-portal", c =>
        {
            c.TokenEndpointAuthMethod = "private_key_jwt";
            c.JwksUri = "https://key-portal.example/jwks";
        })));
        var (admin, secret) = await world.CreateStaffAsync(StaffRolesFor.Admin);
        using var browser = world.CreateBrowser();

        var page = await world.SignInToAdminAsync(browser, admin, secret, "/clients/key-portal");

        var shown = page.Text("#client-authentication")!;
        Assert.Contains("private_key_jwt", shown);
        Assert.Contains("https://key-portal.example/jwks", shown);
        Assert.NotNull(page.Document.QuerySelector("#private-key-jwt-note"));
        Assert.Null(page.Document.QuerySelector("#rotate-secret-form"));
        Assert.Contains("private_key_jwt", (await browser.GetAsync("/clients")).Text("#clients")!);
    }

    [Fact]
    public async Task Portal_WithInlineJwks_ShowsItsKeyIds()
    {
        using var key = TestClientKey.Ec("portal-key-2026");
        await using var world = AdminWorld.Start(configure: idp => idp.WithClient(TestClients.Create("key-portal", c =>
        {
            c.TokenEndpointAuthMethod = "private_key_jwt";
            c.Jwks = TestClientKey.Jwks(key);
        })));
        var (admin, secret) = await world.CreateStaffAsync(StaffRolesFor.Admin);
        using var browser = world.CreateBrowser();

        var page = await world.SignInToAdminAsync(browser, admin, secret, "/clients/key-portal");

        Assert.Contains("portal-key-2026", page.Text("#client-authentication")!);
    }

    [Fact]
    public async Task Portal_WithSecret_ShowsClientSecretBasic_AndSecretRotation()
    {
        await using var world = AdminWorld.Start(configure: idp => idp.WithClient(TestClients.Create("secret-portal", c => c.Secret = TestClients.Secret)));
        // A portal the admin area owns (configuration portals are read-only there and offer no rotation).
        await world.Idp.WithDbAsync(db => db.Clients.Where(c => c.ClientId == "secret-portal").ExecuteUpdateAsync(s => s.SetProperty(c => c.Source, ClientSource.Admin)));
        var (admin, secret) = await world.CreateStaffAsync(StaffRolesFor.Admin);
        using var browser = world.CreateBrowser();

        var page = await world.SignInToAdminAsync(browser, admin, secret, "/clients/secret-portal");

        Assert.Contains("client_secret_basic", page.Text("#client-authentication")!);
        Assert.NotNull(page.Document.QuerySelector("#rotate-secret-form"));
    }
}
