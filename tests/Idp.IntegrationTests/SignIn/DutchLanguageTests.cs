using System.Net;
using Idp.IntegrationTests.Helpdesk;
using Idp.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Idp.IntegrationTests.SignIn;

/// <summary>Dutch is chosen like German and English: <c>ui_locales</c>, then the language switch's cookie, then Accept-Language.</summary>
public sealed class DutchLanguageTests
{
    [Fact]
    public async Task SignInPage_UiLocalesNl_IsInDutch()
    {
        await using var factory = new IdpFactory();
        using var browser = factory.CreateBrowser();

        var page = await browser.GetAsync("/signin?ui_locales=fr%20nl-NL%20en");

        page.EnsureStatus(HttpStatusCode.OK);
        Assert.Equal("nl", page.Document.DocumentElement.GetAttribute("lang"));
        Assert.Equal("Inloggen", page.Text("h1"));
        Assert.Equal("Inloggen", page.Text("form#signin-form button[type=submit]"));
        Assert.Equal("E-mailadres of accountnummer", page.Text("label[for=Input_Login]"));
        Assert.Equal("Wachtwoord", page.Text("label[for=Input_Password]"));
    }

    [Fact]
    public async Task SignInPage_AcceptLanguageNl_IsInDutch()
    {
        await using var factory = new IdpFactory();
        using var browser = factory.CreateBrowser();
        browser.DefaultHeaders["Accept-Language"] = "nl-BE, nl;q=0.9, en;q=0.5";

        var page = await browser.GetAsync("/signin");

        Assert.Equal("nl", page.Document.DocumentElement.GetAttribute("lang"));
        Assert.Equal("Inloggen", page.Text("form#signin-form button[type=submit]"));
        Assert.Contains(page.Document.QuerySelectorAll("a"), a => a.TextContent.Trim() == "Wachtwoord vergeten?");
    }

    [Fact]
    public async Task LanguageSwitch_OffersNederlands_AndKeepsTheChoice()
    {
        await using var factory = new IdpFactory();
        using var browser = factory.CreateBrowser();

        var english = await browser.GetAsync("/signin");
        var headerLinks = english.Document.QuerySelectorAll("nav.settings a[hreflang]").Select(a => (a.GetAttribute("hreflang"), a.TextContent.Trim())).ToList();
        Assert.Equal([("de", "Deutsch"), ("nl", "Nederlands")], headerLinks);

        var dutch = await browser.GetAsync(english.Document.QuerySelector("nav.settings a[hreflang=nl]")!.GetAttribute("href")!);
        Assert.EndsWith("/signin", dutch.Url.AbsolutePath);
        Assert.Equal("Inloggen", dutch.Text("h1"));
        Assert.Contains(dutch.Document.QuerySelectorAll("nav.settings a[hreflang]"), a => a.TextContent.Trim() == "English");

        var preferences = await browser.GetAsync("/preferences?returnUrl=%2Fsignin");
        Assert.Equal("Instellingen", preferences.Text("h1"));
        var choices = preferences.Document.QuerySelectorAll("#language-form button[name=culture]").Select(b => b.GetAttribute("value")).ToList();
        Assert.Equal(["de", "en", "nl"], choices);
        Assert.Equal("Nederlands", preferences.Text("#language-form button[value=nl]"));

        var again = await browser.GetAsync("/signin");
        Assert.Equal("nl", again.Document.DocumentElement.GetAttribute("lang"));
    }

    [Fact]
    public async Task Register_InDutch_KeepsTheLanguage_AndSendsTheConfirmationInDutch()
    {
        await using var factory = new IdpFactory();
        using var browser = factory.CreateBrowser();
        browser.DefaultHeaders["Accept-Language"] = "nl";

        var done = await browser.RegisterAsync("nieuwe.gebruiker@example.test");

        Assert.Equal("Uw account is aangemaakt", done.Text("h1"));
        var accountNumber = done.Text("#account-number")!;
        var user = await factory.WithDbAsync(db => db.Users.AsNoTracking().SingleAsync(u => u.UserName == accountNumber));
        Assert.Equal("nl", user.PreferredLocale);
        var mail = (await factory.LatestOutboxMessageAsync("nieuwe.gebruiker@example.test"))!;
        Assert.Equal("Bevestig uw e-mailadres", mail.Subject);
        Assert.StartsWith("Beste Erika Mustermann,", mail.Body);
        Assert.Contains($"uw accountnummer is {accountNumber}.", mail.Body);
    }

    [Fact]
    public async Task HelpdeskConfirmation_ForADutchAccount_IsInDutch()
    {
        await using var factory = new IdpFactory();
        var user = await factory.CreateUserAsync();
        await factory.WithDbAsync(db => db.Users.Where(u => u.Id == user.Id).ExecuteUpdateAsync(u => u.SetProperty(x => x.PreferredLocale, "nl-NL")));
        user.PreferredLocale = "nl-NL";

        var request = (await factory.SubmitAsync(user)).Request!;

        var mail = (await factory.LatestOutboxMessageAsync(user.Email!))!;
        Assert.Equal($"Uw verzoek om de tweede factor opnieuw in te stellen ({request.Reference})", mail.Subject);
        Assert.Contains("wij hebben uw verzoek", mail.Body);
    }

    [Fact]
    public async Task Discovery_ListsDutchAmongTheUiLocales()
    {
        await using var factory = new IdpFactory();
        using var browser = factory.CreateBrowser();

        var discovery = (await browser.GetAsync("/.well-known/openid-configuration")).Json();

        var locales = discovery.GetProperty("ui_locales_supported").EnumerateArray().Select(e => e.GetString()).ToList();
        Assert.Contains("nl", locales);
    }
}
