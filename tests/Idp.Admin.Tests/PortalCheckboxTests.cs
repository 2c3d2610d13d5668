using Idp.Admin.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Idp.Admin.Tests;

/// <summary>An unticked box on the portal form means "no": a browser sends nothing for it, so the form says so itself.</summary>
public sealed class PortalCheckboxTests
{
    [Fact]
    public async Task NewPortal_WithConfidentialUnticked_IsPublic_AndEnabledUnticked_IsDisabled()
    {
        await using var world = AdminWorld.Start();
        var (admin, totp) = await world.CreateStaffAsync(StaffRolesFor.Admin);
        using var browser = world.CreateBrowser();
        await world.SignInToAdminAsync(browser, admin, totp, "/clients/new");
        Untick(browser, "Input.Confidential");
        Untick(browser, "Input.Enabled");

        var created = await browser.SubmitFormAsync("#client-form", new()
        {
            ["Input.ClientId"] = "kiosk", ["Input.DisplayName"] = "Kiosk", ["Input.RedirectUris"] = "https://kiosk.example/cb", ["Input.Reason"] = "public kiosk app",
        });

        Assert.Null(created.Document.QuerySelector("#client-secret"));
        var stored = await world.Idp.WithDbAsync(db => db.Clients.AsNoTracking().SingleAsync(c => c.ClientId == "kiosk"));
        Assert.True(stored.IsPublic);
        Assert.Null(stored.SecretHash);
        Assert.False(stored.Enabled);
    }

    private static void Untick(StaffBrowser browser, string name) =>
        browser.Document.QuerySelector($"#client-form input[type=checkbox][name='{name}']")!.RemoveAttribute("checked");
}
