using Idp.Admin.Authentication;
using Idp.Configuration;
using Idp.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Idp.Admin.Tests.Infrastructure;

/// <summary>
/// The admin area in memory at <see cref="BaseUrl"/>, on the database, key-encryption key and clock of an in-memory
/// Idp (<see cref="IdpFactory"/>); its back-channel calls (discovery, JWKS, token endpoint) go to that Idp's test server.
/// </summary>
public sealed class AdminFactory(IdpFactory idp, string requiredAcr, Action<IServiceCollection>? configureServices = null) : WebApplicationFactory<Program>
{
    public const string Host = "admin.test";
    public const string BaseUrl = "https://" + Host;
    public const string ClientSecret = "admin-test-secret-0123456789";

    public TestLogSink Logs { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(IdpFactory.EnvironmentName);
        // As in Development: every registered service must be constructible (the admin area registers Idp's core only).
        builder.UseDefaultServiceProvider(provider =>
        {
            provider.ValidateOnBuild = true;
            provider.ValidateScopes = true;
        });
        builder.UseSetting("Idp:Issuer", IdpFactory.Issuer);
        builder.UseSetting("Idp:KeyEncryptionKey", idp.KeyEncryptionKey);
        builder.UseSetting("Idp:Database:Provider", idp.Database.Provider.ToString());
        builder.UseSetting("Idp:Database:ConnectionString", idp.Database.ConnectionString);
        builder.UseSetting("Idp:Database:MigrateOnStartup", "false");
        builder.UseSetting("IdpAdmin:ClientSecret", ClientSecret);
        builder.UseSetting("IdpAdmin:RequiredAcr", requiredAcr);
        builder.ConfigureLogging(logging =>
        {
            logging.ClearProviders();
            logging.AddProvider(Logs);
        });
        builder.ConfigureTestServices(services =>
        {
            services.RemoveAll<TimeProvider>();
            services.AddSingleton<TimeProvider>(idp.Clock);
            services.AddHttpClient(AdminAuthenticationDefaults.BackchannelClient)
                .ConfigurePrimaryHttpMessageHandler(() => idp.Server.CreateHandler());
            configureServices?.Invoke(services);
        });
    }

    /// <summary>Program prints a refused setting and returns; in a test the refusal is thrown instead.</summary>
    protected override IHost CreateHost(IHostBuilder builder)
    {
        var host = base.CreateHost(builder);
        host.Services.ValidateSettings();
        return host;
    }
}
