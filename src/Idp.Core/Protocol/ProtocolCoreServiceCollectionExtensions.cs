using Idp.Authentication;
using Idp.Protocol.Clients;
using Idp.Protocol.DPoP;
using Idp.Protocol.EndSession;
using Idp.Protocol.Keys;
using Idp.Protocol.Tokens;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Idp.Protocol;

public static class ProtocolCoreServiceCollectionExtensions
{
    /// <summary>Signing keys, clients, token issuing and back-channel logout: what Idp's endpoints and the admin area share.</summary>
    public static IServiceCollection AddIdpProtocolCore(this IServiceCollection services)
    {
        services.AddMemoryCache();
        services.AddHttpClient(BackChannelLogout.HttpClientName, client => client.Timeout = TimeSpan.FromSeconds(5))
            .ConfigurePrimaryHttpMessageHandler(() => new HttpClientHandler { AllowAutoRedirect = false });
        services.AddIdpSigningKeys();

        services.AddSingleton<IClientStore, ClientStore>();
        services.AddSingleton<ClientAuthenticator>();
        services.AddSingleton<ClientAssertionValidator>();
        services.AddSingleton<ClientKeys>();
        services.AddHttpClient(ClientKeys.HttpClientName)
            .ConfigurePrimaryHttpMessageHandler(() => new HttpClientHandler { AllowAutoRedirect = false });
        services.AddScoped<IStartupInitializer, ClientsInitializer>();
        services.AddSingleton<OpaqueAccessTokens>();
        services.AddSingleton<TokenIssuer>();
        services.AddSingleton<DPoPProofValidator>();
        services.AddSingleton<DPoPNonces>();
        services.AddSingleton<DPoPRequests>();
        services.AddScoped<OwnTokenValidator>();
        services.AddScoped<Messaging.IOutboxDelivery, BackChannelLogoutDelivery>();
        services.TryAddScoped<IStepUpPolicy, PasswordOnlyStepUpPolicy>();
        return services;
    }
}
