using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Authenticator.Cli;
using Idp.Accounts;
using Idp.Data.Entities;
using Idp.IntegrationTests.Infrastructure;
using Idp.IntegrationTests.SignIn;
using Microsoft.EntityFrameworkCore;

namespace Idp.IntegrationTests.Push;

/// <summary>
/// The device API's login and password: the sign-in form's check, with its doubling lockouts, and one answer for
/// an unknown login, a wrong password and a locked account.
/// </summary>
public sealed class PushRegistrationSignInTests
{
    private const string OtherPassword = "another horse battery staple";

    [Fact]
    public async Task DeviceApi_WrongPasswords_LockOutLikeTheSignInForm()
    {
        await using var idp = new IdpFactory()
            .WithSetting("Idp:Accounts:MaxFailedAccessAttempts", "3")
            .WithSetting("Idp:Accounts:LockoutBase", "00:01:00");
        var user = await PushDevice.CreateUserWithPhoneAsync(idp);
        var client = PushDevice.Client(idp);
        using var key = DeviceClient.NewKey();
        using var browser = idp.CreateBrowser();

        // Two wrong passwords on the device and one on the form: one count, on the account.
        for (var i = 0; i < 2; i++)
            await AssertInvalidCredentialsAsync(client.RegisterAsync(user.AccountNumber, "wrong", key, "phone"));
        await browser.SignInAsync(user.AccountNumber, "wrong");
        await AssertInvalidCredentialsAsync(client.RegisterAsync(user.AccountNumber, TestUsers.Password, key, "phone"));
        Assert.False((await browser.SignInAsync(user.AccountNumber, TestUsers.Password)).IsRedirect);
        Assert.Equal(1, (await StoredAsync(idp, user)).LockoutCount);

        // The second lockout lasts twice as long: 2 minutes.
        idp.Clock.Advance(TimeSpan.FromSeconds(61));
        for (var i = 0; i < 3; i++)
            await AssertInvalidCredentialsAsync(client.RegisterAsync(user.Email!, "wrong", key, "phone"));
        Assert.Equal(2, (await StoredAsync(idp, user)).LockoutCount);
        idp.Clock.Advance(TimeSpan.FromSeconds(61));
        await AssertInvalidCredentialsAsync(client.RegisterAsync(user.AccountNumber, TestUsers.Password, key, "phone"));
        Assert.Null(await idp.LatestOutboxMessageAsync(user.PhoneNumber!, OutboxChannel.Sms));

        idp.Clock.Advance(TimeSpan.FromSeconds(60));
        await client.RegisterAsync(user.AccountNumber, TestUsers.Password, key, "phone");
        Assert.NotNull(await idp.LatestOutboxMessageAsync(user.PhoneNumber!, OutboxChannel.Sms));
        var stored = await StoredAsync(idp, user);
        Assert.Equal((0, 0), (stored.LockoutCount, stored.AccessFailedCount));
        Assert.Equal(2, await idp.WithDbAsync(db => db.AuditEvents.CountAsync(e => e.Type == AuditEventTypes.AccountLocked && e.SubjectId == user.Id)));
    }

    [Fact]
    public async Task DeviceApi_UnknownLogin_WrongPassword_Locked_AnswerAlike()
    {
        await using var idp = new IdpFactory().WithServices(PasswordHashCounter.Install(out var hashes));
        var known = await PushDevice.CreateUserWithPhoneAsync(idp);
        var locked = await CreateLockedUserAsync(idp);
        using var http = idp.CreateClient();

        foreach (var (unknownLogin, knownLogin, lockedLogin) in new[]
                 {
                     (TestUsers.NewAccountNumber(), known.AccountNumber, locked.AccountNumber),
                     ("nobody@example.test", known.Email!, locked.Email!),
                 })
        {
            var unknown = await RegisterAsync(http, hashes, unknownLogin, "not the password");
            var wrong = await RegisterAsync(http, hashes, knownLogin, "not the password");
            var whileLocked = await RegisterAsync(http, hashes, lockedLogin, "not the password");

            Assert.Equal(HttpStatusCode.Unauthorized, unknown.Status);
            Assert.Equal("urn:idp:problem:invalid_credentials", unknown.Body["type"]!.GetValue<string>());
            foreach (var other in new[] { wrong, whileLocked })
            {
                Assert.Equal(unknown.Status, other.Status);
                Assert.Equal(unknown.Body.ToJsonString(), other.Body.ToJsonString());
                Assert.Equal(unknown.Hashes, other.Hashes);
            }
            Assert.True(unknown.Hashes >= 1);
        }
    }

    [Fact]
    public async Task DeviceApi_LockedAccount_IsNotRevealed()
    {
        await using var idp = new IdpFactory()
            .WithSetting("Idp:Accounts:MaxFailedAccessAttempts", "3")
            .WithSetting("Idp:Accounts:LockoutBase", "00:05:00");
        var user = await PushDevice.CreateUserWithPhoneAsync(idp);
        var other = await PushDevice.CreateUserWithPhoneAsync(idp);
        using var browser = idp.CreateBrowser();
        for (var i = 0; i < 3; i++)
            await browser.SignInAsync(user.AccountNumber, "wrong");
        var lockoutEnd = (await StoredAsync(idp, user)).LockoutEnd;
        Assert.NotNull(lockoutEnd);
        using var http = idp.CreateClient();
        var hashes = new PasswordHashCounter();

        // The right password while locked gets the answer of a wrong one, and does nothing.
        var rightWhileLocked = await RegisterAsync(http, hashes, user.AccountNumber, TestUsers.Password);
        var wrongPassword = await RegisterAsync(http, hashes, other.AccountNumber, "not the password");

        Assert.Equal(HttpStatusCode.Unauthorized, rightWhileLocked.Status);
        Assert.Equal(wrongPassword.Body.ToJsonString(), rightWhileLocked.Body.ToJsonString());
        Assert.DoesNotContain("lock", rightWhileLocked.Body.ToJsonString(), StringComparison.OrdinalIgnoreCase);
        Assert.Null(await idp.LatestOutboxMessageAsync(user.PhoneNumber!, OutboxChannel.Sms));
        Assert.False(await idp.WithDbAsync(db => db.PushRegistrations.AnyAsync(r => r.SubjectId == user.Id)));
        Assert.Equal(lockoutEnd, (await StoredAsync(idp, user)).LockoutEnd);

        idp.Clock.Advance(TimeSpan.FromMinutes(5));
        var afterwards = await RegisterAsync(http, hashes, user.AccountNumber, TestUsers.Password);
        Assert.Equal(HttpStatusCode.Created, afterwards.Status);
    }

    [Fact]
    public async Task DeviceApi_SharedEmail_IsAmbiguousOnlyWhenThePasswordMatchesSeveral()
    {
        await using var idp = new IdpFactory();
        var first = await PushDevice.CreateUserWithPhoneAsync(idp, email: "shared@example.test");
        var second = await idp.CreateUserAsync(email: "shared@example.test", password: OtherPassword, configure: u => u.PhoneNumber = "+49 151 5555 0101");
        var client = PushDevice.Client(idp);
        using var key = DeviceClient.NewKey();

        await AssertInvalidCredentialsAsync(client.RegisterAsync("shared@example.test", "not the password", key, "phone"));
        var started = await client.RegisterAsync("shared@example.test", OtherPassword, key, "phone");
        Assert.Equal(second.Id, await idp.WithDbAsync(db => db.PushRegistrations.Where(r => r.Id == started.RegistrationId).Select(r => r.SubjectId).SingleAsync()));
        Assert.Null(await idp.LatestOutboxMessageAsync(first.PhoneNumber!, OutboxChannel.Sms));

        await PushDevice.CreateUserWithPhoneAsync(idp, email: "shared@example.test");
        var ambiguous = await Assert.ThrowsAsync<DeviceApiException>(() => client.RegisterAsync("shared@example.test", TestUsers.Password, key, "phone"));
        Assert.Equal((HttpStatusCode.BadRequest, "ambiguous_login"), (ambiguous.Status, ambiguous.Code));
    }

    private static async Task AssertInvalidCredentialsAsync(Task registration)
    {
        var error = await Assert.ThrowsAsync<DeviceApiException>(() => registration);
        Assert.Equal((HttpStatusCode.Unauthorized, "invalid_credentials"), (error.Status, error.Code));
    }

    private static Task<IdpUser> StoredAsync(IdpFactory idp, IdpUser user) =>
        idp.WithDbAsync(db => db.Users.AsNoTracking().SingleAsync(u => u.Id == user.Id));

    private static Task<IdpUser> CreateLockedUserAsync(IdpFactory idp) =>
        idp.CreateUserAsync(configure: u =>
        {
            u.PhoneNumber = "+49 151 5555 0102";
            u.LockoutEnabled = true;
            u.LockoutCount = 1;
            u.LockoutEnd = idp.Clock.GetUtcNow().AddHours(1);
        });

    /// <summary>Posts a registration with a fresh key: the status, the problem body without its trace id, and the hashes it cost.</summary>
    private static async Task<(HttpStatusCode Status, JsonObject Body, int Hashes)> RegisterAsync(HttpClient http, PasswordHashCounter hashes, string login, string password)
    {
        using var key = DeviceClient.NewKey();
        HttpResponseMessage response = null!;
        var cost = await hashes.CountAsync(async () => response = await http.PostAsJsonAsync("/api/authenticator/v1/registrations",
            new { login, password, publicKey = Idp.Security.Hashing.Base64Url(key.ExportSubjectPublicKeyInfo()), deviceName = "phone" }));
        using (response)
        {
            var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
            body.Remove("traceId");
            return (response.StatusCode, body, cost);
        }
    }
}
