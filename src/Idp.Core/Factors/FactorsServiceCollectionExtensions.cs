using Idp.Authentication;
using Idp.Data.Entities;
using Idp.Factors.Passkeys;
using Idp.Factors.Push;
using Idp.Factors.RecoveryCodes;
using Idp.Factors.Totp;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Idp.Factors;

public static class FactorsServiceCollectionExtensions
{
    /// <summary>The second factors and the flow around them. Call before <c>AddIdpProtocol</c>, whose password-only step-up policy is a fallback.</summary>
    public static IServiceCollection AddIdpFactors(this IServiceCollection services)
    {
        services.AddAuthentication()
            .AddCookie(PendingSignIn.Scheme, PendingSignIn.ConfigureCookie);
        services.AddScoped<TotpAuthenticators>();
        services.AddScoped<RecoveryCodeStore>();
        services.AddScoped<ISecondFactor>(sp => sp.GetRequiredService<TotpAuthenticators>());
        services.AddScoped<ISecondFactor>(sp => sp.GetRequiredService<RecoveryCodeStore>());
        services.TryAddScoped<IPasskeyHandler<IdpUser>, PasskeyHandler<IdpUser>>();
        services.AddSingleton<IConfigureOptions<IdentityPasskeyOptions>, PasskeyOptionsSetup>();
        services.AddSingleton<Passkeys.Metadata.PasskeyMetadata>();
        services.AddHostedService<Passkeys.Metadata.PasskeyMetadataLoader>();
        services.AddSingleton<PasskeyAttestations>();
        services.AddScoped<PasskeyAuthenticators>();
        services.AddScoped<ISecondFactor>(sp => sp.GetRequiredService<PasskeyAuthenticators>());
        services.AddIdpPush();
        services.AddScoped<FactorRegistry>();
        services.AddScoped<IStepUpPolicy, FactorStepUpPolicy>();
        services.AddScoped<TrustedBrowsers>();
        services.AddScoped<SecondFactorFlow>();
        services.AddScoped<SignInDecision>();
        return services;
    }
}
