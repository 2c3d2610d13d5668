using Idp.Configuration;
using Idp.Data;
using Idp.Data.Entities;
using Idp.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Idp.Protocol.Clients;

/// <summary>
/// Upserts the clients declared in configuration, which owns them: a restart resets them to what it says, and
/// the admin area shows them read-only. Clients the admin area created are its own and never touched here; a
/// client that configuration no longer declares passes to the admin area (it keeps working, and can be edited
/// or disabled there).
/// </summary>
public sealed partial class ClientsInitializer(IdpDbContext db, IOptions<IdpOptions> options, TimeProvider clock, ILogger<ClientsInitializer> logger) : IStartupInitializer
{
    public int Order => 0;

    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var declaredIds = new List<string>();
        for (var i = 0; i < options.Value.Clients.Count; i++)
        {
            var declared = options.Value.Clients[i];
            var key = $"{IdpOptions.Section}:Clients:{i}";
            declaredIds.Add(declared.ClientId);
            var client = await db.Clients.FirstOrDefaultAsync(c => c.ClientId == declared.ClientId, cancellationToken);
            if (client is { Source: ClientSource.Admin })
            {
                LogAdminOwnedNotOverwritten(declared.ClientId, key);
                continue;
            }
            if (client is null)
            {
                client = new Client { ClientId = declared.ClientId, CreatedAt = now };
                db.Clients.Add(client);
            }
            Apply(declared, client);
            client.Source = ClientSource.Configuration;
            client.ConfigurationKey = key;
            client.UpdatedAt = now;
        }

        var released = await db.Clients
            .Where(c => (c.Source == ClientSource.Configuration || c.Source == ClientSource.Unrecorded) && !declaredIds.Contains(c.ClientId))
            .ToListAsync(cancellationToken);
        foreach (var client in released)
        {
            if (client.Source == ClientSource.Configuration)
                LogReleasedToAdmin(client.ClientId);
            client.Source = ClientSource.Admin;
            client.ConfigurationKey = null;
        }
        await db.SaveChangesAsync(cancellationToken);
        if (declaredIds.Count > 0)
            LogDeclared(string.Join(", ", declaredIds));
    }

    internal static void Apply(ClientOptions declared, Client client)
    {
        client.DisplayName = declared.DisplayName ?? declared.ClientId;
        client.SecretHash = declared.SecretHash ?? (declared.Secret is null ? null : Hashing.Sha256(declared.Secret));
        client.PreviousSecretHash = declared.PreviousSecretHash ?? (declared.PreviousSecret is null ? null : Hashing.Sha256(declared.PreviousSecret));
        client.PreviousSecretExpiresAt = client.PreviousSecretHash is null ? null : declared.PreviousSecretValidUntil;
        client.TokenEndpointAuthMethod = declared.TokenEndpointAuthMethod;
        client.Jwks = declared.Jwks;
        client.JwksUri = declared.JwksUri;
        client.RedirectUris = [.. declared.RedirectUris];
        client.PostLogoutRedirectUris = [.. declared.PostLogoutRedirectUris];
        client.AllowedGrantTypes = [.. declared.EffectiveGrantTypes];
        client.AllowedScopes = [.. declared.EffectiveScopes];
        client.IsThirdParty = declared.ThirdParty;
        client.RequirePkce = declared.RequirePkce || client.IsPublic;
        client.RequireDPoP = declared.RequireDPoP;
        client.Profile = declared.Profile;
        client.SigningAlgorithm = declared.SigningAlgorithm;
        client.UserInfoAccessTokens = declared.UserInfoAccessTokens;
        client.AccessTokenLifetimeSeconds = declared.AccessTokenLifetimeSeconds ?? 3600;
        client.IdTokenLifetimeSeconds = declared.IdTokenLifetimeSeconds ?? 300;
        client.RefreshTokenLifetimeSeconds = declared.RefreshTokenLifetimeSeconds ?? 30 * 24 * 3600;
        client.BackChannelLogoutUri = declared.BackChannelLogoutUri;
        client.MfaPolicy = declared.MfaPolicy;
        client.TrustBrowserDays = declared.TrustBrowserDays;
        client.Enabled = true;
    }

    [LoggerMessage(EventId = 1451, Level = LogLevel.Information, Message = "Clients from configuration: {Clients}")]
    private partial void LogDeclared(string clients);

    [LoggerMessage(EventId = 1452, Level = LogLevel.Warning, Message = "Client {ClientId} declared in configuration ({ConfigurationKey}) was created in the admin area and is owned there; the declaration is ignored")]
    private partial void LogAdminOwnedNotOverwritten(string clientId, string configurationKey);

    [LoggerMessage(EventId = 1453, Level = LogLevel.Information, Message = "Client {ClientId} is no longer declared in configuration; the admin area owns it from now on")]
    private partial void LogReleasedToAdmin(string clientId);
}
