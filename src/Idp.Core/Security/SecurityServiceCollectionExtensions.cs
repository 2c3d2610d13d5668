using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.Options;

namespace Idp.Security;

public static class SecurityServiceCollectionExtensions
{
    public static IServiceCollection AddIdpSecurity(this IServiceCollection services)
    {
        services.AddSingleton<SecretProtector>();
        services.AddSingleton<IReplayGuard, ReplayGuard>();
        services.AddSingleton<DatabaseXmlRepository>();
        services.AddDataProtection().SetApplicationName("Idp");
        // The key ring lives in the database so every node reads the same keys, encrypted with the key-encryption key.
        services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(provider => new ConfigureOptions<KeyManagementOptions>(options =>
        {
            options.XmlRepository = provider.GetRequiredService<DatabaseXmlRepository>();
            options.XmlEncryptor = new SecretProtectorXmlEncryptor(provider.GetRequiredService<SecretProtector>());
        }));
        return services;
    }
}
