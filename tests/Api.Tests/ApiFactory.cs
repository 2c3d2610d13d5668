using Idp.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace Api.Tests;

/// <summary>The API in memory, reading keys from a <see cref="TestAuthority"/> and time from a fake clock.</summary>
public sealed class ApiFactory(
    TestAuthority authority,
    FakeTimeProvider clock,
    IReadOnlyDictionary<string, string>? settings = null,
    IConfigurationManager<OpenIdConnectConfiguration>? configurationManager = null)
    : WebApplicationFactory<Program>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
            builder.UseSetting(key, value);
        builder.ConfigureTestServices(services =>
        {
            services.AddSingleton(configurationManager
                ?? new StaticConfigurationManager<OpenIdConnectConfiguration>(authority.Configuration));
            services.AddSingleton<TimeProvider>(clock);
        });
    }
}
