using Idp.Admin.Tests.Infrastructure;
using Idp.Data.Entities;
using Idp.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Idp.Admin.Tests;

/// <summary>A portal made in the admin area can authenticate with its own keys (private_key_jwt) instead of a secret.</summary>
public sealed class PortalKeyClientTests
{
    [Fact]
    public async Task NewPortal_WithJwksUri_UsesPrivateKeyJwt_AndGetsNoSecret()
    {
        await using var world = AdminWorld.Start();
        var (admin, totp) = await world.CreateStaffAsync(StaffRolesFor.Admin);
        using var browser = world.CreateBrowser();
        await world.SignInToAdminAsync(browser, admin, totp, "/clients/new");

        var created = await browser.SubmitFormAsync("#client-form", new()
        {
            ["Input.ClientId"] = "treasury", ["Input.DisplayName"] = "Treasury", ["Input.RedirectUris"] = "https://treasury.example/cb",
            ["Input.JwksUri"] = "https://treasury.example/jwks.json", ["Input.Reason"] = "signs its requests",
        });

        Assert.Null(created.Document.QuerySelector("#client-secret"));
        var stored = await world.Idp.WithDbAsync(db => db.Clients.AsNoTracking().SingleAsync(c => c.ClientId == "treasury"));
        Assert.Equal(ClientAuthMethods.PrivateKeyJwt, stored.AuthMethod);
        Assert.Equal("https://treasury.example/jwks.json", stored.JwksUri);
        Assert.Null(stored.SecretHash);
        Assert.False(stored.IsPublic);
        var page = await browser.GetAsync("/clients/treasury");
        Assert.Contains("private_key_jwt", page.Text("#client-authentication")!);
        Assert.Null(page.Document.QuerySelector("#rotate-secret-form"));
    }

    [Fact]
    public async Task NewPortal_WithAnInvalidJwksUri_IsNotCreated()
    {
        await using var world = AdminWorld.Start();
        var (admin, totp) = await world.CreateStaffAsync(StaffRolesFor.Admin);
        using var browser = world.CreateBrowser();
        await world.SignInToAdminAsync(browser, admin, totp, "/clients/new");

        var answer = await browser.SubmitFormAsync("#client-form", new()
        {
            ["Input.ClientId"] = "broken", ["Input.DisplayName"] = "Broken", ["Input.RedirectUris"] = "https://broken.example/cb",
            ["Input.JwksUri"] = "ftp://broken.example/jwks", ["Input.Reason"] = "typo",
        });

        Assert.Contains("not a valid JWKS URI", answer.Body);
        Assert.False(await world.Idp.WithDbAsync(db => db.Clients.AnyAsync(c => c.ClientId == "broken")));
    }
}
