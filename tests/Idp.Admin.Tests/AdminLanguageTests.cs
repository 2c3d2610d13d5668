using System.Net;
using Idp.Admin.Tests.Infrastructure;
using Idp.IntegrationTests.Infrastructure;

namespace Idp.Admin.Tests;

/// <summary>The admin area speaks English, German and Dutch, chosen by the request (here its culture query).</summary>
public sealed class AdminLanguageTests
{
    [Theory]
    [InlineData("en", "Signed out", "Sign in again")]
    [InlineData("de", "Abgemeldet", "Erneut anmelden")]
    [InlineData("nl", "Uitgelogd", "Opnieuw inloggen")]
    public async Task SignedOutPage_IsInTheRequestedLanguage(string culture, string heading, string link)
    {
        await using var world = AdminWorld.Start();
        using var browser = world.CreateBrowser();

        var page = await browser.GetAsync($"/signed-out?culture={culture}&ui-culture={culture}");

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal(culture, page.Document.DocumentElement.GetAttribute("lang"));
        Assert.Equal(heading, page.Text("h1"));
        Assert.Equal(link, page.Text("main a[href='/']"));
    }

    [Theory]
    [InlineData("en", "admin (four-eyes principle)")]
    [InlineData("de", "admin (Vier-Augen-Prinzip)")]
    [InlineData("nl", "admin (vierogenprincipe)")]
    public async Task RolesTable_NamesTheFourEyesRule_InTheRequestedLanguage(string culture, string role)
    {
        await using var world = AdminWorld.Start();
        var (admin, secret) = await world.CreateStaffAsync(StaffRolesFor.Admin);
        var user = await world.Idp.CreateUserAsync();
        using var browser = world.CreateBrowser();
        await world.SignInToAdminAsync(browser, admin, secret, $"/users/{user.Id}");

        var page = await browser.GetAsync($"/users/{user.Id}?culture={culture}&ui-culture={culture}");

        Assert.Equal(role, page.Text("#roles tr[data-role=admin] td"));
    }
}
