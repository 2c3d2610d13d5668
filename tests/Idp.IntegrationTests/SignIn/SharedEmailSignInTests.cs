using Idp.Accounts;
using Idp.Data.Entities;
using Idp.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Idp.IntegrationTests.SignIn;

/// <summary>
/// An e-mail address several accounts share: the password decides which account is meant, and nothing before a
/// matching password tells that other accounts use the address.
/// </summary>
public sealed class SharedEmailSignInTests
{
    private const string GenericFailure = "The account number, e-mail or password is not correct";
    private const string OtherPassword = "another horse battery staple";

    [Fact]
    public async Task SignIn_SharedEmail_WrongPassword_DoesNotRevealOtherAccounts()
    {
        await using var factory = new IdpFactory().WithServices(PasswordHashCounter.Install(out var hashes));
        var first = await factory.CreateUserAsync(email: "shared@example.test");
        var second = await factory.CreateUserAsync(email: "shared@example.test");
        await factory.CreateUserAsync(email: "single@example.test");
        using var browser = factory.CreateBrowser();

        BrowserResponse shared = null!, single = null!, unknown = null!;
        var sharedHashes = await hashes.CountAsync(async () => shared = await browser.SignInAsync("shared@example.test", "not the password"));
        var singleHashes = await hashes.CountAsync(async () => single = await browser.SignInAsync("single@example.test", "not the password"));
        var unknownHashes = await hashes.CountAsync(async () => unknown = await browser.SignInAsync("nobody@example.test", "not the password"));

        Assert.Contains(GenericFailure, shared.ErrorSummary());
        Assert.Equal(single.ErrorSummary(), shared.ErrorSummary());
        Assert.Equal(unknown.ErrorSummary(), shared.ErrorSummary());
        Assert.Null(shared.Document.QuerySelector("#Input_Login-error"));
        Assert.Equal(single.Document.Body!.TextContent, shared.Document.Body!.TextContent);
        Assert.Equal("shared@example.test", shared.Document.QuerySelector("#Input_Login")!.GetAttribute("value"));
        // The same work whatever the number of accounts behind the address.
        Assert.Equal(singleHashes, sharedHashes);
        Assert.Equal(unknownHashes, sharedHashes);
        // Each account with the address was tried, so each counts the failure.
        var stored = await factory.WithDbAsync(db => db.Users.AsNoTracking().Where(u => u.Id == first.Id || u.Id == second.Id).ToListAsync());
        Assert.All(stored, u => Assert.Equal(1, u.AccessFailedCount));
        Assert.Equal(2, await factory.WithDbAsync(db => db.AuditEvents.CountAsync(e => e.Type == AuditEventTypes.SignInFailed && (e.SubjectId == first.Id || e.SubjectId == second.Id))));
    }

    [Fact]
    public async Task SignIn_SharedEmail_WrongPasswords_LockEachAccountLikeASingleOne()
    {
        await using var factory = new IdpFactory()
            .WithSetting("Idp:Accounts:MaxFailedAccessAttempts", "3")
            .WithSetting("Idp:Accounts:LockoutBase", "00:01:00");
        var first = await factory.CreateUserAsync(email: "shared@example.test");
        var second = await factory.CreateUserAsync(email: "shared@example.test");
        using var browser = factory.CreateBrowser();
        Task<Dictionary<string, IdpUser>> StoredAsync() =>
            factory.WithDbAsync(db => db.Users.AsNoTracking().Where(u => u.Id == first.Id || u.Id == second.Id).ToDictionaryAsync(u => u.Id));

        for (var i = 0; i < 2; i++)
            await browser.SignInAsync("shared@example.test", "wrong");
        Assert.All((await StoredAsync()).Values, u => Assert.Null(u.LockoutEnd));

        // The third wrong password locks each account, as it would lock one account alone; no sooner.
        await browser.SignInAsync("shared@example.test", "wrong");
        var stored = await StoredAsync();
        Assert.All(stored.Values, u => Assert.Equal(1, u.LockoutCount));
        Assert.All(stored.Values, u => Assert.Equal(factory.Clock.GetUtcNow().AddMinutes(1), u.LockoutEnd));
        Assert.False((await browser.SignInAsync(second.AccountNumber, TestUsers.Password)).IsRedirect);

        factory.Clock.Advance(TimeSpan.FromSeconds(61));
        Assert.True((await browser.SignInAsync(second.AccountNumber, TestUsers.Password)).IsRedirect);
    }

    [Fact]
    public async Task SignIn_SharedEmail_PasswordMatchesOne_SignsThatOneIn()
    {
        await using var factory = new IdpFactory();
        var first = await factory.CreateUserAsync(email: "shared@example.test");
        var second = await factory.CreateUserAsync(email: "shared@example.test", password: OtherPassword, givenName: "Max");
        using var browser = factory.CreateBrowser();

        var result = await browser.SignInAsync("Shared@Example.test", OtherPassword);

        Assert.True(result.IsRedirect);
        Assert.Contains("signed in as Max", (await browser.FollowAsync()).Text(".lead"));
        var session = await factory.WithDbAsync(db => db.UserSessions.AsNoTracking().SingleAsync());
        Assert.Equal(second.Id, session.SubjectId);
        // The other account's password was not the one typed, but nobody guessed at it either.
        var untouched = await factory.WithDbAsync(db => db.Users.AsNoTracking().SingleAsync(u => u.Id == first.Id));
        Assert.Equal(0, untouched.AccessFailedCount);
    }

    [Fact]
    public async Task SignIn_SharedEmail_PasswordMatchesSeveral_AsksForAccountNumber()
    {
        await using var factory = new IdpFactory();
        var first = await factory.CreateUserAsync(email: "shared@example.test");
        var second = await factory.CreateUserAsync(email: "shared@example.test");
        await factory.CreateUserAsync(email: "shared@example.test", password: OtherPassword);
        using var browser = factory.CreateBrowser();

        var page = await browser.SignInAsync("Shared@Example.test", TestUsers.Password);

        Assert.False(page.IsRedirect);
        Assert.Contains("several accounts", page.Text("#Input_Login-error"));
        Assert.True(string.IsNullOrEmpty(page.Document.QuerySelector("#Input_Login")!.GetAttribute("value")));
        Assert.Null(browser.Cookies["idp.session"]);
        Assert.False(await factory.WithDbAsync(db => db.Users.AnyAsync(u => u.AccessFailedCount > 0)));

        var withNumber = await browser.SignInAsync(second.AccountNumber, TestUsers.Password);
        Assert.True(withNumber.IsRedirect);
        var session = await factory.WithDbAsync(db => db.UserSessions.AsNoTracking().SingleAsync());
        Assert.Equal(second.Id, session.SubjectId);
        Assert.NotEqual(first.Id, session.SubjectId);
    }

    [Fact]
    public async Task SignIn_ParallelWrongPasswords_AreEachCounted()
    {
        await using var factory = new IdpFactory()
            .WithSetting("Idp:Accounts:MaxFailedAccessAttempts", "8")
            .WithSetting("Idp:Accounts:LockoutBase", "00:01:00");
        var first = await factory.CreateUserAsync(email: "shared@example.test");
        var second = await factory.CreateUserAsync(email: "shared@example.test");

        // Eight guesses at once get no more than eight one after the other would: both accounts lock.
        await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ =>
        {
            using var browser = factory.CreateBrowser();
            await browser.SignInAsync("shared@example.test", "wrong");
        }));

        var stored = await factory.WithDbAsync(db => db.Users.AsNoTracking().Where(u => u.Id == first.Id || u.Id == second.Id).ToListAsync());
        Assert.All(stored, u => Assert.Equal(1, u.LockoutCount));
        Assert.Equal(2, await factory.WithDbAsync(db => db.AuditEvents.CountAsync(e => e.Type == AuditEventTypes.AccountLocked)));
    }
}
