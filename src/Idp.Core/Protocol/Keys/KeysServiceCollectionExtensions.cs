using Idp.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Idp.Protocol.Keys;

public static class KeysServiceCollectionExtensions
{
    /// <summary>
    /// The signing key store (<see cref="ISigningKeyStore"/>, singleton), the rotation logic
    /// (<see cref="SigningKeyManager"/>, scoped) and the start-up initializer. Safe to call more than once.
    /// Needs <see cref="TimeProvider"/>, <see cref="SecretProtector"/> and the <c>IdpDbContext</c>.
    /// </summary>
    public static IServiceCollection AddIdpSigningKeys(this IServiceCollection services)
    {
        services.TryAddSingleton<SigningKeyStore>();
        services.TryAddSingleton<ISigningKeyStore>(provider => provider.GetRequiredService<SigningKeyStore>());
        services.TryAddScoped<SigningKeyManager>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<IdpOptions>, SigningKeyOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Scoped<IStartupInitializer, SigningKeyInitializer>());
        return services;
    }
}
