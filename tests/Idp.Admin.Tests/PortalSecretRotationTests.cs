using System.Net;
using Idp.Admin.Infrastructure;
using Idp.Admin.Tests.Infrastructure;
using Idp.Data.Entities;
using Idp.Helpdesk;
using Idp.IntegrationTests.Infrastructure;
using Idp.IntegrationTests.Protocol;
using Microsoft.EntityFrameworkCore;

namespace Idp.Admin.Tests;

/// <summary>Who owns a portal (configuration or the admin area), and secret rotation with an overlap.</summary>
public sealed class PortalSecretRotationTests
{
    [Fact]
    public async Task RotateSecret_AcceptsBothDuringTheOverlap_OnlyTheNewAfterIt()
    {
        await using var world = AdminWorld.Start();
        var (admin, totp) = await world.CreateStaffAsync(StaffRolesFor.Admin);
        using var browser = world.CreateBrowser();
        await world.SignInToAdminAsync(browser, admin, totp, "/clients/new");
        var created = await browser.SubmitFormAsync("#client-form", new()
        {
            ["Input.ClientId"] = "payroll", ["Input.DisplayName"] = "Payroll", ["Input.RedirectUris"] = "https://payroll.example/cb", ["Input.Reason"] = "new portal",
        });
        var first = created.Text("#client-secret")!;
        Assert.Equal(ClientSource.Admin, await world.Idp.WithDbAsync(db => db.Clients.Where(c => c.ClientId == "payroll").Select(c => c.Source).SingleAsync()));

        await browser.GetAsync("/clients/payroll");
        Assert.Contains("7 d", browser.Document.QuerySelector("#rotate-secret-form legend")!.TextContent);
        var rotatedAt = world.Idp.Clock.GetUtcNow();
        var rotated = await browser.SubmitFormAsync("#rotate-secret-form", new() { ["RotateReason"] = "Ticket 42: yearly rotation" });
        var second = rotated.Text("#client-secret")!;
        Assert.NotEqual(first, second);
        Assert.Contains("within 10 seconds", rotated.Body);
        var zone = world.Admin.Services.GetRequiredService<SlaCalendar>().TimeZone;
        var until = TimeText.Local(zone, rotatedAt.AddDays(7));
        Assert.Contains(until, rotated.Text("#previous-secret"));
        Assert.Contains($"({zone.Id})", rotated.Text("#previous-secret"));

        var rotation = Assert.Single(await world.Idp.WithDbAsync(db => db.AuditEvents.Where(e => e.Type == AdminAuditTypes.ClientSecretRotated && e.ClientId == "payroll").ToListAsync()));
        Assert.Equal(admin.Id, rotation.ActorId);
        Assert.Contains("Ticket 42", rotation.Details);
        Assert.Contains("previous_secret_valid_until=", rotation.Details);
        Assert.DoesNotContain(first, rotation.Details);
        Assert.DoesNotContain(second, rotation.Details);

        Assert.Equal("invalid_grant", await TokenEndpointErrorAsync(world.Idp, "payroll", second));
        Assert.Equal("invalid_grant", await TokenEndpointErrorAsync(world.Idp, "payroll", first));
        Assert.Equal("invalid_client", await TokenEndpointErrorAsync(world.Idp, "payroll", "not-the-secret-0123456789"));

        world.Idp.Clock.Advance(TimeSpan.FromDays(7) + TimeSpan.FromSeconds(1));
        Assert.Equal("invalid_grant", await TokenEndpointErrorAsync(world.Idp, "payroll", second));
        Assert.Equal("invalid_client", await TokenEndpointErrorAsync(world.Idp, "payroll", first));
        await world.SignInToAdminAsync(browser, admin, totp, "/clients/payroll");
        Assert.Null((await browser.GetAsync("/clients/payroll")).Document.QuerySelector("#previous-secret"));
    }

    [Fact]
    public async Task RotateSecret_Again_EndsTheEarlierOverlap()
    {
        await using var world = AdminWorld.Start();
        var (admin, totp) = await world.CreateStaffAsync(StaffRolesFor.Admin);
        using var browser = world.CreateBrowser();
        await world.SignInToAdminAsync(browser, admin, totp, "/clients/new");
        var first = (await browser.SubmitFormAsync("#client-form", new()
        {
            ["Input.ClientId"] = "travel", ["Input.DisplayName"] = "Travel", ["Input.RedirectUris"] = "https://travel.example/cb", ["Input.Reason"] = "new portal",
        })).Text("#client-secret")!;
        await browser.GetAsync("/clients/travel");
        var second = (await browser.SubmitFormAsync("#rotate-secret-form", new() { ["RotateReason"] = "rotation" })).Text("#client-secret")!;
        Assert.NotNull(browser.Document.QuerySelector("#rotate-secret-form p"));
        var third = (await browser.SubmitFormAsync("#rotate-secret-form", new() { ["RotateReason"] = "rotation again" })).Text("#client-secret")!;

        Assert.Equal("invalid_grant", await TokenEndpointErrorAsync(world.Idp, "travel", third));
        Assert.Equal("invalid_grant", await TokenEndpointErrorAsync(world.Idp, "travel", second));
        Assert.Equal("invalid_client", await TokenEndpointErrorAsync(world.Idp, "travel", first));
    }

    [Fact]
    public async Task ConfigurationPortal_IsReadOnly_ShowsItsKey_RefusesForgedPosts()
    {
        await using var world = AdminWorld.Start(configure: idp => idp.WithClient(TestClients.Create("portal", c => c.Secret = TestClients.Secret)));
        var (admin, totp) = await world.CreateStaffAsync(StaffRolesFor.Admin);
        using var browser = world.CreateBrowser();
        await world.SignInToAdminAsync(browser, admin, totp, "/clients");
        Assert.Contains("configuration (Idp:Clients:1)", browser.Document.QuerySelector("#clients")!.TextContent);

        var page = await browser.GetAsync("/clients/portal");
        Assert.Contains("Declared in configuration key Idp:Clients:1; change it there.", page.Text("#client-source"));
        Assert.Null(page.Document.QuerySelector("#rotate-secret-form"));
        Assert.Null(page.Document.QuerySelector("#client-form button"));
        Assert.NotNull(page.Document.QuerySelector("#client-form fieldset[disabled] #Input_DisplayName"));
        var token = page.Document.QuerySelector("#client-form input[name=__RequestVerificationToken]")!.GetAttribute("value")!;
        var before = await world.Idp.WithDbAsync(db => db.Clients.AsNoTracking().SingleAsync(c => c.ClientId == "portal"));

        var rotate = await browser.PostAsync("/clients/portal?handler=RotateSecret", [new("__RequestVerificationToken", token), new("RotateReason", "forged")]);
        Assert.Equal(HttpStatusCode.Conflict, rotate.StatusCode);
        Assert.Null(rotate.Document.QuerySelector("#client-secret"));
        Assert.Contains("declared in configuration (Idp:Clients:1)", rotate.Body);
        var edit = await browser.PostAsync("/clients/portal", [
            new("__RequestVerificationToken", token), new("Input.DisplayName", "Hijacked"), new("Input.RedirectUris", "https://evil.example/cb"),
            new("Input.Enabled", "true"), new("Input.Reason", "forged")]);
        Assert.Equal(HttpStatusCode.Conflict, edit.StatusCode);

        var after = await world.Idp.WithDbAsync(db => db.Clients.AsNoTracking().SingleAsync(c => c.ClientId == "portal"));
        Assert.Equal(before.SecretHash, after.SecretHash);
        Assert.Null(after.PreviousSecretHash);
        Assert.Equal(before.DisplayName, after.DisplayName);
        Assert.Equal(before.RedirectUris, after.RedirectUris);
        Assert.Equal(ClientSource.Configuration, after.Source);
        Assert.False(await world.Idp.WithDbAsync(db => db.AuditEvents.AnyAsync(e => e.ClientId == "portal" && e.Type.StartsWith("admin.client"))));
        Assert.Equal("invalid_grant", await TokenEndpointErrorAsync(world.Idp, "portal", TestClients.Secret));
    }

    [Fact]
    public async Task RotateSecret_OfAPublicPortal_IsRefused()
    {
        await using var world = AdminWorld.Start();
        var (admin, totp) = await world.CreateStaffAsync(StaffRolesFor.Admin);
        using var browser = world.CreateBrowser();
        await world.SignInToAdminAsync(browser, admin, totp, "/clients/new");
        await browser.SubmitFormAsync("#client-form", new()
        {
            ["Input.ClientId"] = "spa", ["Input.DisplayName"] = "SPA", ["Input.RedirectUris"] = "https://spa.example/cb", ["Input.Reason"] = "new portal",
        });
        await world.Idp.WithDbAsync(db => db.Clients.Where(c => c.ClientId == "spa").ExecuteUpdateAsync(c => c.SetProperty(x => x.SecretHash, (string?)null)));
        var page = await browser.GetAsync("/clients/spa");
        Assert.Null(page.Document.QuerySelector("#rotate-secret-form"));
        var token = page.Document.QuerySelector("#client-form input[name=__RequestVerificationToken]")!.GetAttribute("value")!;

        var rotate = await browser.PostAsync("/clients/spa?handler=RotateSecret", [new("__RequestVerificationToken", token), new("RotateReason", "forged")]);

        Assert.Equal(HttpStatusCode.BadRequest, rotate.StatusCode);
        Assert.Null(await world.Idp.WithDbAsync(db => db.Clients.Where(c => c.ClientId == "spa").Select(c => c.SecretHash).SingleAsync()));
    }

    /// <summary>
    /// The token endpoint's error for a refresh with an unknown token: <c>invalid_grant</c> once the client is
    /// authenticated, <c>invalid_client</c> when its secret is refused.
    /// </summary>
    private static async Task<string?> TokenEndpointErrorAsync(IdpFactory idp, string clientId, string secret)
    {
        var (_, body) = await new TestRelyingParty(idp, clientId, secret).RefreshAsync("unknown-refresh-token");
        return body.GetProperty("error").GetString();
    }
}
