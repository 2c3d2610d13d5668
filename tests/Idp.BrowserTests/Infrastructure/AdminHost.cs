using System.Net;
using System.Net.Sockets;
using Idp.Authentication;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Idp.BrowserTests.Infrastructure;

/// <summary>
/// The admin area (src/Idp.Admin) on Kestrel at <see cref="BaseUrl"/> beside an <see cref="IdpHost"/>: the same
/// database, key-encryption key and clock; staff sign in at that Idp as the confidential client <see cref="ClientId"/>
/// (registered there by <see cref="Register"/> before the Idp starts). Staff reach <c>urn:idp:acr:mfa</c> with an
/// authenticator app (the default, a passkey, is not needed for the pages' checks).
/// </summary>
public sealed class AdminHost : WebApplicationFactory<Idp.Admin.Program>
{
    public const string ClientId = "idp-admin";
    public const string ClientSecret = "browser-test-admin-secret-0123456789";

    private readonly IdpHost _idp;

    public AdminHost(IdpHost idp)
    {
        _idp = idp;
        Port = FreePort();
        UseKestrel(kestrel => kestrel.ListenLocalhost(Port));
    }

    public int Port { get; }

    public string BaseUrl => $"http://localhost:{Port}";

    /// <summary>Registers the admin area as a client of <paramref name="idp"/> (before the Idp starts); returns the host to start later.</summary>
    public static AdminHost Register(IdpHost idp, int clientIndex = 3)
    {
        var admin = new AdminHost(idp);
        var prefix = $"Idp:Clients:{clientIndex}";
        idp.WithSetting($"{prefix}:ClientId", ClientId)
            .WithSetting($"{prefix}:DisplayName", "Idp Admin")
            .WithSetting($"{prefix}:Secret", ClientSecret)
            .WithSetting($"{prefix}:RedirectUris:0", admin.BaseUrl + "/signin-idp")
            .WithSetting($"{prefix}:PostLogoutRedirectUris:0", admin.BaseUrl + "/signed-out")
            .WithSetting($"{prefix}:AllowedGrantTypes:0", "authorization_code")
            .WithSetting($"{prefix}:AllowedScopes:0", "openid")
            .WithSetting($"{prefix}:AllowedScopes:1", "profile")
            .WithSetting($"{prefix}:AllowedScopes:2", "email")
            .WithSetting($"{prefix}:AllowedScopes:3", "roles");
        return admin;
    }

    public AdminHost Start()
    {
        StartServer();
        return this;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        foreach (var key in new[] { "Idp:Issuer", "Idp:KeyEncryptionKey", "Idp:Database:Provider", "Idp:Database:ConnectionString" })
            builder.UseSetting(key, _idp.Setting(key));
        builder.UseSetting("Idp:Database:MigrateOnStartup", "false");
        builder.UseSetting("Idp:Jobs:Enabled", "false");
        builder.UseSetting("IdpAdmin:ClientSecret", ClientSecret);
        builder.UseSetting("IdpAdmin:RequiredAcr", AuthenticationLevels.SecondFactorAcr);
        builder.ConfigureLogging(logging => logging.ClearProviders().SetMinimumLevel(LogLevel.Warning));
        builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(_idp.Clock));
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
