using Idp.Data.Entities;
using Idp.Protocol.Clients;

namespace Idp.UnitTests.Protocol;

internal sealed class FakeClientStore(params Client[] clients) : IClientStore
{
    public ValueTask<Client?> FindAsync(string? clientId, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(clients.FirstOrDefault(c => c.ClientId == clientId && c.Enabled));

    public void Invalidate(string clientId) { }

    public static Client Portal(Action<Client>? change = null)
    {
        var client = new Client
        {
            ClientId = "portal",
            DisplayName = "Portal",
            SecretHash = Idp.Security.Hashing.Sha256("portal-secret"),
            RedirectUris = ["https://portal.example/cb", "http://127.0.0.1:8080/cb"],
            PostLogoutRedirectUris = ["https://portal.example/signed-out"],
            AllowedGrantTypes = ["authorization_code", "refresh_token"],
            AllowedScopes = ["openid", "profile", "email", "offline_access"],
        };
        change?.Invoke(client);
        return client;
    }
}
