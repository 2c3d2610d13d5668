using System.Security.Cryptography;
using Idp.Configuration;

namespace Idp.IntegrationTests.Infrastructure;

/// <summary>Defaults for test users.</summary>
public static class TestUsers
{
    /// <summary>The default password of <see cref="IdpFactory.CreateUserAsync"/> (meets the length rule).</summary>
    public const string Password = "correct horse battery staple";

    /// <summary>A random 10-digit account number (the user name).</summary>
    public static string NewAccountNumber() =>
        (1_000_000_000L + RandomNumberGenerator.GetInt32(int.MaxValue)).ToString(System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>Defaults for test clients (relying parties).</summary>
public static class TestClients
{
    /// <summary>An external host: the browser stops at redirects to it and never fetches it.</summary>
    public const string Origin = "https://client.example";
    public const string RedirectUri = Origin + "/cb";
    public const string PostLogoutRedirectUri = Origin + "/signed-out";
    public const string BackChannelLogoutUri = Origin + "/backchannel-logout";

    /// <summary>A confidential client's secret, long enough for the validator.</summary>
    public const string Secret = "test-client-secret-0123456789abcdef";

    public static ClientOptions Create(string clientId, Action<ClientOptions>? configure = null)
    {
        var client = new ClientOptions
        {
            ClientId = clientId,
            DisplayName = $"Test portal {clientId}",
            RedirectUris = [RedirectUri],
            PostLogoutRedirectUris = [PostLogoutRedirectUri],
        };
        configure?.Invoke(client);
        return client;
    }
}
