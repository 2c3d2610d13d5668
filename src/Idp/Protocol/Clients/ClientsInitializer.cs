using Idp.Configuration;
using Idp.Data;
using Idp.Data.Entities;
using Idp.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Idp.Protocol.Clients;

/// <summary>
/// Upserts the clients declared in configuration. Configuration wins for the clients it declares: a
/// restart resets them to what it says; clients created elsewhere are left alone.
/// </summary>
public sealed class ClientsInitializer(IdpDbContext db, IOptions<IdpOptions> options, TimeProvider clock, ILogger<ClientsInitializer> logger) : IStartupInitializer
{
    public int Order => 0;

    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        foreach (var declared in options.Value.Clients)
        {
            var client = await db.Clients.FirstOrDefaultAsync(c => c.ClientId == declared.ClientId, cancellationToken);
            if (client is null)
            {
                client = new Client { ClientId = declared.ClientId, CreatedAt = now };
                db.Clients.Add(client);
            }
            Apply(declared, client);
            client.UpdatedAt = now;
        }
        await db.SaveChangesAsync(cancellationToken);
        if (options.Value.Clients.Count > 0)
            logger.LogInformation("Clients from configuration: {Clients}", string.Join(", ", options.Value.Clients.Select(c => c.ClientId)));
    }

    internal static void Apply(ClientOptions declared, Client client)
    {
        client.DisplayName = declared.DisplayName ?? declared.ClientId;
        client.SecretHash = declared.SecretHash ?? (declared.Secret is null ? null : Hashing.Sha256(declared.Secret));
        client.TokenEndpointAuthMethod = declared.TokenEndpointAuthMethod;
        client.Jwks = declared.Jwks;
        client.JwksUri = declared.JwksUri;
        client.RedirectUris = [.. declared.RedirectUris];
        client.PostLogoutRedirectUris = [.. declared.PostLogoutRedirectUris];
        client.AllowedGrantTypes = [.. declared.EffectiveGrantTypes];
        client.AllowedScopes = [.. declared.EffectiveScopes];
        client.IsThirdParty = declared.ThirdParty;
        client.RequirePkce = declared.RequirePkce || client.IsPublic;
        client.SigningAlgorithm = declared.SigningAlgorithm;
        client.AccessTokenLifetimeSeconds = declared.AccessTokenLifetimeSeconds ?? 3600;
        client.IdTokenLifetimeSeconds = declared.IdTokenLifetimeSeconds ?? 300;
        client.RefreshTokenLifetimeSeconds = declared.RefreshTokenLifetimeSeconds ?? 30 * 24 * 3600;
        client.BackChannelLogoutUri = declared.BackChannelLogoutUri;
        client.MfaPolicy = declared.MfaPolicy;
        client.TrustBrowserDays = declared.TrustBrowserDays;
        client.Enabled = true;
    }
}
