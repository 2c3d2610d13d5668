using Microsoft.Extensions.Options;

namespace Portal.BankDetails;

public static class BankDetailsClientExtensions
{
    /// <summary>The typed HTTP client for samples/Api at <c>Portal:ApiBaseUrl</c>.</summary>
    public static IServiceCollection AddBankDetailsClient(this IServiceCollection services)
    {
        services.AddHttpClient<BankDetailsClient>((provider, http) =>
        {
            var baseUrl = provider.GetRequiredService<IOptions<PortalOptions>>().Value.ApiBaseUrl;
            http.BaseAddress = new Uri(baseUrl.EndsWith('/') ? baseUrl : baseUrl + "/", UriKind.Absolute);
            http.Timeout = TimeSpan.FromSeconds(10);
        }).AddHttpMessageHandler<Portal.DPoP.DPoPApiHandler>();
        services.AddTransient<Portal.DPoP.DPoPApiHandler>();
        return services;
    }
}
