using System.Net;
using Idp.Accounts;
using Idp.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Idp.IntegrationTests.SignIn;

public sealed class SignInPageTests
{
    private const string GenericFailure = "The account number, e-mail or password is not correct";

    [Fact]
    public async Task SignInPage_SendsSecurityHeaders_AndNoFormActionInCsp()
    {
        await using var factory = new IdpFactory();
        using var browser = factory.CreateBrowser();

        var page = await browser.GetAsync("/signin");

        page.EnsureStatus(HttpStatusCode.OK);
        var csp = string.Join(";", page.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("default-src 'self'", csp);
        Assert.Contains("script-src 'self'", csp);
        Assert.Contains("frame-ancestors 'none'", csp);
        Assert.DoesNotContain("form-action", csp);
        Assert.Equal("DENY", Assert.Single(page.Headers.GetValues("X-Frame-Options")));
        Assert.Equal("nosniff", Assert.Single(page.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("no-referrer", Assert.Single(page.Headers.GetValues("Referrer-Policy")));
        Assert.Equal("same-origin", Assert.Single(page.Headers.GetValues("Cross-Origin-Opener-Policy")));
        Assert.True(page.Headers.CacheControl?.NoStore);
    }

    [Fact]
    public async Task SignInPage_FieldsHaveLabelsAndAutocomplete_AndNoInlineScriptOrStyle()
    {
        await using var factory = new IdpFactory();
        using var browser = factory.CreateBrowser();

        var page = await browser.GetAsync("/signin");

        var document = page.Document;
        Assert.Equal("en", document.DocumentElement.GetAttribute("lang"));
        Assert.Equal("username", document.QuerySelector("#Input_Login")!.GetAttribute("autocomplete"));
        Assert.Equal("current-password", document.QuerySelector("#Input_Password")!.GetAttribute("autocomplete"));
        Assert.Equal("E-mail or account number", page.Text("label[for=Input_Login]"));
        Assert.Equal("Remember me on this computer", page.Text("label[for=Input_RememberMe]"));
        Assert.NotNull(document.QuerySelector("a.skip-link[href='#main']"));
        Assert.NotNull(document.QuerySelector("#signin-form input[name=__RequestVerificationToken]"));
        Assert.Empty(document.QuerySelectorAll("script"));
        Assert.Empty(document.QuerySelectorAll("style, [style]"));
    }

    [Fact]
    public async Task SignIn_WithAccountNumber_StartsSessionAndShowsSignedInAs()
    {
        await using var factory = new IdpFactory();
        var user = await factory.CreateUserAsync(givenName: "Erika", familyName: "Mustermann");
        using var browser = factory.CreateBrowser();

        var result = await browser.SignInAsync(user.AccountNumber, TestUsers.Password);

        Assert.Equal("/", result.Location!.AbsolutePath);
        var home = await browser.FollowAsync();
        Assert.Contains("signed in as Erika Mustermann", home.Text(".lead"));
        var session = await factory.WithDbAsync(db => db.UserSessions.SingleAsync(s => s.SubjectId == user.Id));
        Assert.Equal("pwd", session.Amr);
        Assert.False(session.Persistent);
        Assert.True(await factory.WithDbAsync(db => db.AuditEvents.AnyAsync(e => e.Type == AuditEventTypes.SignInSucceeded && e.SubjectId == user.Id)));
    }

    [Fact]
    public async Task SignIn_WithRememberMe_MakesPersistentSession()
    {
        await using var factory = new IdpFactory();
        var user = await factory.CreateUserAsync();
        using var browser = factory.CreateBrowser();

        await browser.SignInAsync(user.Email!, TestUsers.Password, remember: true);

        var session = await factory.WithDbAsync(db => db.UserSessions.SingleAsync(s => s.SubjectId == user.Id));
        Assert.True(session.Persistent);
    }

    [Fact]
    public async Task SignIn_WrongPasswordAndUnknownAccount_GiveTheSameMessage_AndKeepTheLogin()
    {
        await using var factory = new IdpFactory();
        var user = await factory.CreateUserAsync();
        using var browser = factory.CreateBrowser();

        var wrongPassword = await browser.SignInAsync(user.AccountNumber, "not the password");
        var unknown = await browser.SignInAsync("9999999999", "not the password");

        Assert.Equal(HttpStatusCode.OK, wrongPassword.StatusCode);
        Assert.Contains(GenericFailure, wrongPassword.ErrorSummary());
        Assert.Equal(wrongPassword.ErrorSummary(), unknown.ErrorSummary());
        Assert.Equal(user.AccountNumber, wrongPassword.Document.QuerySelector("#Input_Login")!.GetAttribute("value"));
        Assert.Null(wrongPassword.Document.QuerySelector("#Input_Password")!.GetAttribute("value"));
        Assert.Null(browser.Cookies["idp.session"]);
        var failures = await factory.WithDbAsync(db => db.AuditEvents.Where(e => e.Type == AuditEventTypes.SignInFailed).ToListAsync());
        Assert.Equal(2, failures.Count);
        Assert.DoesNotContain(failures, e => (e.Details ?? "").Contains("not the password"));
    }

    [Fact]
    public async Task SignIn_EmptyFields_ShowErrorSummaryLinkedToFields()
    {
        await using var factory = new IdpFactory();
        using var browser = factory.CreateBrowser();
        await browser.GetAsync("/signin");

        var page = await browser.SubmitFormAsync("#signin-form", new() { ["Input.Login"] = "", ["Input.Password"] = "" });

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("alert", page.Document.QuerySelector(".error-summary")!.GetAttribute("role"));
        Assert.NotNull(page.Document.QuerySelector(".error-summary a[href='#Input_Login']"));
        Assert.Equal("true", page.Document.QuerySelector("#Input_Login")!.GetAttribute("aria-invalid"));
        Assert.Contains("Input_Login-error", page.Document.QuerySelector("#Input_Login")!.GetAttribute("aria-describedby"));
        Assert.StartsWith("Error: ", page.Document.Title);
    }

    [Fact]
    public async Task SignIn_RepeatedFailures_LockWithDoublingDuration_AndSuccessResets()
    {
        await using var factory = new IdpFactory()
            .WithSetting("Idp:Accounts:MaxFailedAccessAttempts", "3")
            .WithSetting("Idp:Accounts:LockoutBase", "00:01:00");
        var user = await factory.CreateUserAsync();
        using var browser = factory.CreateBrowser();

        for (var i = 0; i < 3; i++)
            await browser.SignInAsync(user.AccountNumber, "wrong");
        var whileLocked = await browser.SignInAsync(user.AccountNumber, TestUsers.Password);
        Assert.Contains(GenericFailure, whileLocked.ErrorSummary());

        factory.Clock.Advance(TimeSpan.FromSeconds(61));
        for (var i = 0; i < 3; i++)
            await browser.SignInAsync(user.AccountNumber, "wrong");
        factory.Clock.Advance(TimeSpan.FromSeconds(61));
        Assert.False((await browser.SignInAsync(user.AccountNumber, TestUsers.Password)).IsRedirect); // second lockout: 2 minutes

        factory.Clock.Advance(TimeSpan.FromSeconds(60));
        Assert.True((await browser.SignInAsync(user.AccountNumber, TestUsers.Password)).IsRedirect);
        var stored = await factory.WithDbAsync(db => db.Users.AsNoTracking().SingleAsync(u => u.Id == user.Id));
        Assert.Equal(0, stored.LockoutCount);
        Assert.Equal(0, stored.AccessFailedCount);
        Assert.Equal(2, await factory.WithDbAsync(db => db.AuditEvents.CountAsync(e => e.Type == AuditEventTypes.AccountLocked)));
    }

    [Fact]
    public async Task SignIn_UnconfirmedEmail_SaysSoAfterThePassword_AndResendsTheLink()
    {
        await using var factory = new IdpFactory();
        var user = await factory.CreateUserAsync(configure: u => u.EmailConfirmed = false);
        using var browser = factory.CreateBrowser();

        var wrong = await browser.SignInAsync(user.AccountNumber, "wrong password");
        Assert.Contains(GenericFailure, wrong.ErrorSummary());
        var right = await browser.SignInAsync(user.AccountNumber, TestUsers.Password);
        Assert.Contains("not confirmed", right.ErrorSummary());
        Assert.Null(browser.Cookies["idp.session"]);

        var resent = await browser.SubmitFormAsync("#resend-confirmation-form");

        Assert.Contains("new confirmation link", resent.Notice());
        var mail = await factory.LatestOutboxMessageAsync(user.Email!);
        Assert.NotNull(mail);
        Assert.Contains(user.AccountNumber, mail.Body);
        Assert.StartsWith("/confirm-email?user=", mail.Links().Single());
    }

    [Fact]
    public async Task SignIn_UiLocalesGerman_UsesTheManualsWording()
    {
        await using var factory = new IdpFactory();
        using var browser = factory.CreateBrowser();

        var page = await browser.GetAsync("/signin?ui_locales=fr-CA%20de-DE%20en");

        Assert.Equal("de", page.Document.DocumentElement.GetAttribute("lang"));
        Assert.Equal("Anmelden", page.Text("h1"));
        Assert.Equal("Zugangsnummer oder E-Mail", page.Text("label[for=Input_Login]"));
        Assert.Equal("Passwort", page.Text("label[for=Input_Password]"));
        Assert.Equal("Meinen Login merken", page.Text("label[for=Input_RememberMe]"));
        Assert.Contains(page.Document.QuerySelectorAll("a"), a => a.TextContent.Trim() == "Barrierefreiheit");
    }

    [Fact]
    public async Task LanguageAndScreenReaderChoices_AreKeptInCookies()
    {
        await using var factory = new IdpFactory();
        using var browser = factory.CreateBrowser();
        await browser.GetAsync("/signin");

        await browser.GetAsync("/preferences?handler=Language&culture=de&returnUrl=%2Fsignin");
        Assert.Equal("Anmelden", browser.LastResponse.Text("h1"));
        Assert.EndsWith("/signin", browser.Url.AbsolutePath);

        await browser.GetAsync("/preferences?returnUrl=%2Fsignin");
        var page = await browser.SubmitFormAsync("#screen-reader-form");

        Assert.EndsWith("/signin", page.Url.AbsolutePath);
        Assert.Equal("screen-reader-mode", page.Document.Body!.ClassName);
        Assert.NotNull(page.Document.QuerySelector(".instructions"));
        Assert.Null(page.Document.QuerySelector(".brand-mark"));
    }

    [Fact]
    public async Task Preferences_NeverRedirectOffSite()
    {
        await using var factory = new IdpFactory();
        using var browser = factory.CreateBrowser();

        var response = await browser.GetAsync("/preferences?handler=Language&culture=de&returnUrl=%2F%2Fevil.example%2F", followRedirects: false);

        Assert.Equal("/", response.Location!.AbsolutePath);
        Assert.True(BrowserClient.IsIdpUrl(response.Location));
    }

    [Fact]
    public async Task UnknownPage_ShowsFriendlyErrorWithReference()
    {
        await using var factory = new IdpFactory();
        using var browser = factory.CreateBrowser();

        var page = await browser.GetAsync("/no-such-page");

        Assert.Equal(HttpStatusCode.NotFound, page.StatusCode);
        Assert.Equal("Page not found", page.Text("h1"));
        Assert.False(string.IsNullOrEmpty(page.Text(".correlation-id")));
    }
}
