using Idp.Configuration;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;

namespace Idp.UnitTests.Configuration;

/// <summary>A rotation declared in configuration: a previous secret needs a current one and a time until which it counts.</summary>
public sealed class ClientSecretRotationOptionsTests
{
    private static IEnumerable<string> Failures(Action<ClientOptions> configure)
    {
        var options = new IdpOptions { Issuer = "https://id.example.com", KeyEncryptionKey = Convert.ToBase64String(new byte[32]) };
        options.Database.ConnectionString = "Data Source=x.db";
        var client = new ClientOptions { ClientId = "portal", RedirectUris = ["https://portal.example/cb"] };
        configure(client);
        options.Clients.Add(client);
        return new IdpOptionsValidator(new TestEnvironment()).Validate(null, options).Failures ?? [];
    }

    [Fact]
    public void PreviousSecret_WithValidUntil_IsAccepted() =>
        Assert.DoesNotContain(Failures(c => { c.Secret = "new-secret-0123456789"; c.PreviousSecret = "old-secret-0123456789"; c.PreviousSecretValidUntil = DateTimeOffset.UtcNow; }),
            f => f.StartsWith("Idp:Clients", StringComparison.Ordinal));

    [Fact]
    public void PreviousSecret_WithoutValidUntil_IsRefused_NamingTheSetting() =>
        Assert.Contains("Idp:Clients:0:PreviousSecretValidUntil is required with a previous secret (until when both are accepted).",
            Failures(c => { c.Secret = "new-secret-0123456789"; c.PreviousSecret = "old-secret-0123456789"; }));

    [Fact]
    public void PreviousSecret_WithoutACurrentOne_IsRefused() =>
        Assert.Contains("Idp:Clients:0: a previous secret needs a current one (Secret or SecretHash).",
            Failures(c => { c.PreviousSecretHash = "abc"; c.PreviousSecretValidUntil = DateTimeOffset.UtcNow; }));

    [Fact]
    public void ValidUntil_WithoutAPreviousSecret_IsRefused() =>
        Assert.Contains("Idp:Clients:0:PreviousSecretValidUntil is set but there is no PreviousSecret or PreviousSecretHash.",
            Failures(c => { c.Secret = "new-secret-0123456789"; c.PreviousSecretValidUntil = DateTimeOffset.UtcNow; }));

    private sealed class TestEnvironment : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = "Testing";
        public string ApplicationName { get; set; } = "Idp";
        public string ContentRootPath { get; set; } = "/";
        public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
    }
}
