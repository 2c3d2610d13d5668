using Idp.Data.Entities;
using Idp.IntegrationTests.Infrastructure;
using Idp.Protocol.Clients;
using Idp.Security;
using Microsoft.EntityFrameworkCore;

namespace Idp.IntegrationTests.Protocol;

/// <summary>Configuration owns the clients it declares, the admin area the ones it created; a rotation declared in configuration.</summary>
public sealed class ClientOwnershipTests
{
    [Fact]
    public async Task Initializer_LeavesAdminOwnedClientsAlone_ResetsConfigurationOnes()
    {
        await using var factory = new IdpFactory()
            .WithClient("portal", c => c.Secret = TestClients.Secret)
            .WithClient("taken", c => c.Secret = TestClients.Secret);
        factory.Start();
        var adminSecretHash = Hashing.Sha256("secret-made-in-the-admin-area-0123");
        await factory.WithDbAsync(async db =>
        {
            var portal = await db.Clients.SingleAsync(c => c.ClientId == "portal");
            Assert.Equal(ClientSource.Configuration, portal.Source);
            Assert.Matches("^Idp:Clients:[0-9]+$", portal.ConfigurationKey);
            portal.DisplayName = "Changed behind configuration's back";
            var taken = await db.Clients.SingleAsync(c => c.ClientId == "taken");
            taken.Source = ClientSource.Admin;
            taken.ConfigurationKey = null;
            taken.DisplayName = "Owned by the admin area";
            taken.SecretHash = adminSecretHash;
            taken.RedirectUris = ["https://taken.example/cb"];
            db.Clients.Add(new Client { ClientId = "created-in-admin", DisplayName = "Admin portal", Source = ClientSource.Admin, RedirectUris = ["https://admin-made.example/cb"] });
            await db.SaveChangesAsync();
        });

        await RunClientsInitializerAsync(factory);

        var clients = await factory.WithDbAsync(db => db.Clients.AsNoTracking().ToDictionaryAsync(c => c.ClientId));
        Assert.Equal("Test portal portal", clients["portal"].DisplayName);
        Assert.Equal(ClientSource.Admin, clients["taken"].Source);
        Assert.Equal("Owned by the admin area", clients["taken"].DisplayName);
        Assert.Equal(adminSecretHash, clients["taken"].SecretHash);
        Assert.Equal(["https://taken.example/cb"], clients["taken"].RedirectUris);
        Assert.Equal("Admin portal", clients["created-in-admin"].DisplayName);
        Assert.Equal(ClientSource.Admin, clients["created-in-admin"].Source);
        Assert.True(factory.Logs.Contains("Client taken declared in configuration"));
    }

    [Fact]
    public async Task Initializer_HandsAClientNoLongerDeclared_ToTheAdminArea()
    {
        await using var factory = new IdpFactory().WithClient("portal");
        factory.Start();
        await factory.WithDbAsync(async db =>
        {
            db.Clients.Add(new Client { ClientId = "retired", DisplayName = "Retired", Source = ClientSource.Configuration, ConfigurationKey = "Idp:Clients:7" });
            db.Clients.Add(new Client { ClientId = "older", DisplayName = "From before owners were recorded" });
            await db.SaveChangesAsync();
        });

        await RunClientsInitializerAsync(factory);

        var clients = await factory.WithDbAsync(db => db.Clients.AsNoTracking().ToDictionaryAsync(c => c.ClientId));
        Assert.Equal(ClientSource.Admin, clients["retired"].Source);
        Assert.Null(clients["retired"].ConfigurationKey);
        Assert.True(clients["retired"].Enabled);
        Assert.Equal(ClientSource.Admin, clients["older"].Source);
        Assert.Equal(ClientSource.Configuration, clients["portal"].Source);
    }

    [Fact]
    public async Task ConfiguredPreviousSecret_IsAcceptedUntilItsValidUntil()
    {
        const string previous = "previous-client-secret-0123456789";
        var factory = new IdpFactory();
        await using var _ = factory;
        factory.WithClient("portal", c =>
        {
            c.Secret = TestClients.Secret;
            c.PreviousSecret = previous;
            c.PreviousSecretValidUntil = factory.Clock.GetUtcNow().AddHours(1);
        });

        Assert.Equal("invalid_grant", await TokenEndpointErrorAsync(factory, "portal", TestClients.Secret));
        Assert.Equal("invalid_grant", await TokenEndpointErrorAsync(factory, "portal", previous));

        factory.Clock.Advance(TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1));
        Assert.Equal("invalid_grant", await TokenEndpointErrorAsync(factory, "portal", TestClients.Secret));
        Assert.Equal("invalid_client", await TokenEndpointErrorAsync(factory, "portal", previous));
    }

    [Fact]
    public void SecretMatches_IgnoresAPreviousSecretOutsideItsOverlap()
    {
        var now = DateTimeOffset.UnixEpoch.AddYears(56);
        var client = new Client { ClientId = "c", SecretHash = Hashing.Sha256("current-secret"), PreviousSecretHash = Hashing.Sha256("previous-secret"), PreviousSecretExpiresAt = now };

        Assert.True(ClientAuthenticator.SecretMatches(client, "current-secret", now));
        Assert.True(ClientAuthenticator.SecretMatches(client, "previous-secret", now.AddTicks(-1)));
        Assert.False(ClientAuthenticator.SecretMatches(client, "previous-secret", now));
        Assert.False(ClientAuthenticator.SecretMatches(client, "other-secret", now.AddTicks(-1)));
        client.PreviousSecretExpiresAt = null;
        Assert.False(ClientAuthenticator.SecretMatches(client, "previous-secret", now.AddYears(-1)));
    }

    private static Task RunClientsInitializerAsync(IdpFactory factory) =>
        factory.WithScopeAsync(services => services.GetServices<IStartupInitializer>().OfType<ClientsInitializer>().Single().InitializeAsync(CancellationToken.None));

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
