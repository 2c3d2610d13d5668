using System.Net;
using Idp.Accounts;
using Idp.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Idp.IntegrationTests.SignIn;

public sealed class AccountFlowTests
{
    [Fact]
    public async Task Register_ShowsAccountNumber_ConfirmByMail_ThenSignIn()
    {
        await using var factory = new IdpFactory();
        using var browser = factory.CreateBrowser();

        var done = await browser.RegisterAsync("new.user@example.test");

        Assert.EndsWith("/register/done", done.Url.AbsolutePath);
        var accountNumber = done.Text("#account-number")!;
        Assert.Matches("^[1-9][0-9]{9}$", accountNumber);
        var user = await factory.WithDbAsync(db => db.Users.AsNoTracking().SingleAsync(u => u.UserName == accountNumber));
        Assert.Equal(accountNumber, user.AccountNumber);
        Assert.False(user.EmailConfirmed);
        Assert.Equal("Erika", user.GivenName);

        var notYet = await browser.SignInAsync(accountNumber, TestUsers.Password);
        Assert.Contains("not confirmed", notYet.ErrorSummary());

        var mail = (await factory.LatestOutboxMessageAsync("new.user@example.test"))!;
        Assert.Contains(accountNumber, mail.Body);
        var confirmed = await browser.GetAsync(mail.Links().Single());
        Assert.Contains("confirmed", confirmed.Notice());

        var signedIn = await browser.SignInAsync("new.user@example.test", TestUsers.Password);
        Assert.Equal("/", signedIn.Location!.AbsolutePath);
    }

    [Fact]
    public async Task Register_InvalidInput_ExplainsEachField_AndCreatesNobody()
    {
        await using var factory = new IdpFactory();
        using var browser = factory.CreateBrowser();
        await browser.GetAsync("/register");

        var page = await browser.SubmitFormAsync("#register-form", new()
        {
            ["Input.Email"] = "not-an-address",
            ["Input.GivenName"] = "",
            ["Input.FamilyName"] = "Muster",
            ["Input.Password"] = "short",
            ["Input.ConfirmPassword"] = "different",
        });

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.NotNull(page.Text("#Input_Email-error"));
        Assert.NotNull(page.Text("#Input_GivenName-error"));
        Assert.NotNull(page.Text("#Input_ConfirmPassword-error"));
        Assert.Equal("not-an-address", page.Document.QuerySelector("#Input_Email")!.GetAttribute("value"));
        Assert.Equal("new-password", page.Document.QuerySelector("#Input_Password")!.GetAttribute("autocomplete"));
        Assert.Equal(0, await factory.WithDbAsync(db => db.Users.CountAsync()));
    }

    [Fact]
    public async Task Register_PasswordTooShort_IsRefusedWithTheRule()
    {
        await using var factory = new IdpFactory();
        using var browser = factory.CreateBrowser();

        var page = await browser.RegisterAsync("short@example.test", password: "abc123");

        Assert.Contains("at least 10 characters", page.Text("#Input_Password-error"));
        Assert.Equal(0, await factory.WithDbAsync(db => db.Users.CountAsync()));
    }

    [Fact]
    public async Task Register_WhenSelfRegistrationIsOff_IsNotFound()
    {
        await using var factory = new IdpFactory().WithSetting("Idp:Accounts:SelfRegistration", "false");
        using var browser = factory.CreateBrowser();

        var page = await browser.GetAsync("/register");
        var signIn = await browser.GetAsync("/signin");

        Assert.Equal(HttpStatusCode.NotFound, page.StatusCode);
        Assert.Null(signIn.Document.QuerySelector("a[href^='/register']"));
    }

    [Fact]
    public async Task ForgotPassword_SharedEmail_SendsOneMailWithALinkPerAccount()
    {
        await using var factory = new IdpFactory();
        var first = await factory.CreateUserAsync(email: "family@example.test");
        var second = await factory.CreateUserAsync(email: "family@example.test");
        using var browser = factory.CreateBrowser();
        await browser.GetAsync("/forgot-password");

        var page = await browser.SubmitFormAsync("#forgot-password-form", new() { ["Input.Login"] = "family@example.test" });

        Assert.Contains("If an account matches", page.Notice());
        var mail = Assert.Single(await factory.OutboxMessagesAsync("family@example.test"));
        Assert.Contains(first.AccountNumber, mail.Body);
        Assert.Contains(second.AccountNumber, mail.Body);
        var links = mail.Links();
        Assert.Equal(2, links.Count);
        Assert.Contains(links, l => l.Contains($"user={first.Id}"));
        Assert.Contains(links, l => l.Contains($"user={second.Id}"));
    }

    [Fact]
    public async Task ForgotPassword_UnknownAccount_AnswersTheSame_AndSendsNothing()
    {
        await using var factory = new IdpFactory();
        var user = await factory.CreateUserAsync();
        using var browser = factory.CreateBrowser();

        await browser.GetAsync("/forgot-password");
        var known = await browser.SubmitFormAsync("#forgot-password-form", new() { ["Input.Login"] = user.AccountNumber });
        await browser.GetAsync("/forgot-password");
        var unknown = await browser.SubmitFormAsync("#forgot-password-form", new() { ["Input.Login"] = "nobody@example.test" });

        Assert.Equal(known.Notice(), unknown.Notice());
        Assert.Equal(1, await factory.WithDbAsync(db => db.Outbox.CountAsync()));
    }

    [Fact]
    public async Task ResetPassword_SetsNewPassword_EndsAllSessions_AndTheLinkWorksOnce()
    {
        await using var factory = new IdpFactory();
        var user = await factory.CreateUserAsync();
        using var otherComputer = factory.CreateBrowser();
        await otherComputer.SignInAsync(user.AccountNumber, TestUsers.Password);
        using var browser = factory.CreateBrowser();
        await browser.GetAsync("/forgot-password");
        await browser.SubmitFormAsync("#forgot-password-form", new() { ["Input.Login"] = user.AccountNumber });
        var link = (await factory.LatestOutboxMessageAsync(user.Email!))!.Links().Single();

        var form = await browser.GetAsync(link);
        Assert.Equal("new-password", form.Document.QuerySelector("#Input_NewPassword")!.GetAttribute("autocomplete"));
        var done = await browser.SubmitFormAsync("#reset-password-form", new()
        {
            ["Input.NewPassword"] = "a brand new passphrase",
            ["Input.ConfirmPassword"] = "a brand new passphrase",
        });

        Assert.Contains("signed out everywhere", done.Notice());
        Assert.Equal(0, await factory.WithDbAsync(db => db.UserSessions.CountAsync(s => s.SubjectId == user.Id && s.EndedAt == null)));
        var home = await otherComputer.GetAsync("/");
        Assert.Contains("not signed in", home.Text(".lead"));
        Assert.False((await browser.SignInAsync(user.AccountNumber, TestUsers.Password)).IsRedirect);
        Assert.True((await browser.SignInAsync(user.AccountNumber, "a brand new passphrase")).IsRedirect);

        await browser.GetAsync(link);
        var again = await browser.SubmitFormAsync("#reset-password-form", new()
        {
            ["Input.NewPassword"] = "yet another passphrase",
            ["Input.ConfirmPassword"] = "yet another passphrase",
        });
        Assert.Contains("not valid or has expired", again.ErrorSummary());
        Assert.True(await factory.WithDbAsync(db => db.AuditEvents.AnyAsync(e => e.Type == AuditEventTypes.PasswordReset && e.SubjectId == user.Id)));
    }

    [Fact]
    public async Task ConfirmEmail_WithBadToken_SaysTheLinkIsInvalid()
    {
        await using var factory = new IdpFactory();
        var user = await factory.CreateUserAsync(configure: u => u.EmailConfirmed = false);
        using var browser = factory.CreateBrowser();

        var page = await browser.GetAsync($"/confirm-email?user={user.Id}&token=forged");

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("not valid", page.Text(".error-summary"));
        Assert.False(await factory.WithDbAsync(db => db.Users.Where(u => u.Id == user.Id).Select(u => u.EmailConfirmed).SingleAsync()));
    }
}
