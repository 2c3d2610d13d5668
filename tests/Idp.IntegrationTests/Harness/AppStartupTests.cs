using Idp.Configuration;
using Idp.Data.Entities;
using Idp.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Idp.IntegrationTests.Harness;

/// <summary>The harness starts the real application on a fresh database of the run's provider.</summary>
public sealed class AppStartupTests
{
    [Fact]
    public async Task App_Starts_AnswersWithoutServerError()
    {
        await using var factory = new IdpFactory();
        using var browser = factory.CreateBrowser();

        var response = await browser.GetAsync("/");

        Assert.True((int)response.StatusCode < 500, $"GET / answered {response}");
    }

    [Fact]
    public async Task App_Starts_AppliesEveryMigration()
    {
        await using var factory = new IdpFactory();

        var (applied, pending, clients) = await factory.WithDbAsync(async db => (
            (await db.Database.GetAppliedMigrationsAsync()).ToList(),
            (await db.Database.GetPendingMigrationsAsync()).ToList(),
            await db.Clients.CountAsync()));

        Assert.NotEmpty(applied);
        Assert.Empty(pending);
        Assert.Equal(0, clients); // the Clients table exists and this database is fresh
    }

    [Fact]
    public async Task App_Starts_UsesTheRunsDatabaseProvider()
    {
        await using var factory = new IdpFactory();

        var provider = await factory.WithDbAsync(db => Task.FromResult(db.Database.ProviderName));

        var expected = TestDatabase.ConfiguredProvider switch
        {
            DatabaseProvider.PostgreSql => "Npgsql.EntityFrameworkCore.PostgreSQL",
            DatabaseProvider.SqlServer => "Microsoft.EntityFrameworkCore.SqlServer",
            _ => "Microsoft.EntityFrameworkCore.Sqlite",
        };
        Assert.Equal(expected, provider);
    }

    [Fact]
    public async Task App_Starts_InTestingEnvironmentWithTestIssuerAndKey()
    {
        await using var factory = new IdpFactory();

        var environment = factory.Services.GetRequiredService<IHostEnvironment>();
        var options = factory.Services.GetRequiredService<IOptions<IdpOptions>>().Value;

        Assert.Equal("Testing", environment.EnvironmentName);
        Assert.Equal("http://localhost", options.Issuer);
        Assert.Equal(factory.KeyEncryptionKey, options.KeyEncryptionKey);
        Assert.Equal(32, Convert.FromBase64String(options.KeyEncryptionKey!).Length);
        Assert.False(options.SeedDemoData);
    }

    [Fact]
    public async Task Clock_IsTheAppsTimeProvider_AndMovesOnlyWhenAdvanced()
    {
        await using var factory = new IdpFactory();
        var appClock = factory.Services.GetRequiredService<TimeProvider>();
        var before = appClock.GetUtcNow();

        await Task.Delay(20);
        Assert.Equal(before, appClock.GetUtcNow());
        factory.Clock.Advance(TimeSpan.FromHours(25));

        Assert.Same(factory.Clock, appClock);
        Assert.Equal(before + TimeSpan.FromHours(25), appClock.GetUtcNow());
    }

    [Fact]
    public async Task CreateUser_StoresConfirmedUserWithAccountNumberAsUserName()
    {
        await using var factory = new IdpFactory();

        var created = await factory.CreateUserAsync(givenName: "Max", familyName: "Muster", email: "max@example.test");

        var (found, passwordOk) = await factory.WithScopeAsync(async services =>
        {
            var users = services.GetRequiredService<UserManager<IdpUser>>();
            var user = await users.FindByNameAsync(created.AccountNumber);
            return (user, user is not null && await users.CheckPasswordAsync(user, TestUsers.Password));
        });
        Assert.NotNull(found);
        Assert.Equal(created.Id, found.Id);
        Assert.Equal(created.AccountNumber, found.UserName);
        Assert.Matches("^[0-9]{10}$", found.AccountNumber);
        Assert.Equal("max@example.test", found.Email);
        Assert.True(found.EmailConfirmed);
        Assert.Equal("Max Muster", found.FullName);
        Assert.Equal(factory.Clock.GetUtcNow(), found.CreatedAt);
        Assert.True(passwordOk);
    }

    [Fact]
    public async Task Outbox_LatestMessage_IsTheNewestForThatRecipient()
    {
        await using var factory = new IdpFactory();
        var now = factory.Clock.GetUtcNow();
        await factory.WithDbAsync(async db =>
        {
            db.Outbox.Add(new OutboxMessage { Channel = OutboxChannel.Email, Recipient = "a@example.test", Subject = "first", Body = "1", CreatedAt = now });
            db.Outbox.Add(new OutboxMessage { Channel = OutboxChannel.Email, Recipient = "a@example.test", Subject = "second", Body = "2", CreatedAt = now });
            db.Outbox.Add(new OutboxMessage { Channel = OutboxChannel.Email, Recipient = "b@example.test", Subject = "other", Body = "3", CreatedAt = now });
            db.Outbox.Add(new OutboxMessage { Channel = OutboxChannel.Sms, Recipient = "+4912345", Subject = "", Body = "code 12345678", CreatedAt = now });
            await db.SaveChangesAsync();
        });

        var latest = await factory.LatestOutboxMessageAsync("a@example.test");
        var sms = await factory.LatestOutboxMessageAsync("+4912345", OutboxChannel.Sms);
        var noEmail = await factory.LatestOutboxMessageAsync("+4912345", OutboxChannel.Email);
        var all = await factory.OutboxMessagesAsync("a@example.test");

        Assert.Equal("second", latest?.Subject);
        Assert.Equal("code 12345678", sms?.Body);
        Assert.Null(noEmail);
        Assert.Equal(["first", "second"], all.Select(m => m.Subject));
    }

    [Fact]
    public async Task Factories_EachHaveTheirOwnDatabase()
    {
        await using var first = new IdpFactory();
        await using var second = new IdpFactory();

        var user = await first.CreateUserAsync();

        Assert.NotEqual(first.Database.ConnectionString, second.Database.ConnectionString);
        Assert.Equal(1, await first.WithDbAsync(db => db.Users.CountAsync(u => u.Id == user.Id)));
        Assert.Equal(0, await second.WithDbAsync(db => db.Users.CountAsync()));
    }

    [Fact]
    public async Task WithClient_PassesClientToTheAppsOptions()
    {
        await using var factory = new IdpFactory()
            .WithClient("portal")
            .WithClient("api", c =>
            {
                c.Secret = TestClients.Secret;
                c.RequirePkce = false;
                c.AccessTokenLifetimeSeconds = 120;
            });

        var clients = factory.Services.GetRequiredService<IOptions<IdpOptions>>().Value.Clients;

        Assert.Equal(["portal", "api"], clients.Select(c => c.ClientId));
        Assert.Equal([TestClients.RedirectUri], clients[0].RedirectUris);
        Assert.Null(clients[0].Secret);
        Assert.Equal(TestClients.Secret, clients[1].Secret);
        Assert.False(clients[1].RequirePkce);
        Assert.Equal(120, clients[1].AccessTokenLifetimeSeconds);
    }

    // The configuration binder adds configured list items to a List<T> property's initial items instead of
    // replacing them; ClientOptions therefore applies its defaults after binding.
    [Fact]
    public async Task ConfiguredClient_AllowedGrantTypesAndScopes_ReplaceTheDefaults()
    {
        await using var factory = new IdpFactory().WithClient("api", c =>
        {
            c.Secret = TestClients.Secret;
            c.RequirePkce = false;
            c.AllowedGrantTypes = ["client_credentials"];
            c.AllowedScopes = ["api"];
        });

        var client = factory.Services.GetRequiredService<IOptions<IdpOptions>>().Value.Clients.Single();

        Assert.Equal(["client_credentials"], client.AllowedGrantTypes);
        Assert.Equal(["api"], client.AllowedScopes);
        var stored = await factory.WithDbAsync(db => db.Clients.SingleAsync(c => c.ClientId == "api"));
        Assert.Equal(["client_credentials"], stored.AllowedGrantTypes);
        Assert.Equal(["api"], stored.AllowedScopes);
    }

    [Fact]
    public async Task WithSetting_AfterStart_IsRefused()
    {
        await using var factory = new IdpFactory().Start();

        Assert.Throws<InvalidOperationException>(() => factory.WithSetting("Idp:Accounts:SelfRegistration", "false"));
    }
}
