using Idp.Configuration;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;

namespace Idp.UnitTests.Configuration;

public sealed class PasskeysOptionsValidationTests
{
    private static IdpOptions Valid(Action<PasskeysOptions> configure)
    {
        var options = new IdpOptions
        {
            Issuer = "https://id.example.com",
            KeyEncryptionKey = Convert.ToBase64String(new byte[32]),
        };
        options.Database.ConnectionString = "Data Source=x.db";
        configure(options.Passkeys);
        return options;
    }

    private static IEnumerable<string> Failures(IdpOptions options) =>
        new IdpOptionsValidator(new TestEnvironment()).Validate(null, options).Failures ?? [];

    [Theory]
    [InlineData("id.example.com")]
    [InlineData("example.com")]
    public void RelyingPartyId_IssuerHostOrParent_IsAccepted(string rpId) =>
        Assert.DoesNotContain(Failures(Valid(p => p.RelyingPartyId = rpId)), f => f.Contains("Passkeys"));

    [Theory]
    [InlineData("other.example")]
    [InlineData("ample.com")]
    public void RelyingPartyId_OtherDomain_NamesTheSetting(string rpId) =>
        Assert.Contains(Failures(Valid(p => p.RelyingPartyId = rpId)), f => f.StartsWith("Idp:Passkeys:RelyingPartyId", StringComparison.Ordinal));

    [Theory]
    [InlineData("https://id.example.com/path")]
    [InlineData("http://id.example.com")]
    [InlineData("https://id.example.com/")]
    public void Origins_NotAnOrigin_NamesTheSetting(string origin) =>
        Assert.Contains(Failures(Valid(p => p.Origins = [origin])), f => f.StartsWith("Idp:Passkeys:Origins", StringComparison.Ordinal));

    [Fact]
    public void Origins_HttpsOrigin_IsAccepted() =>
        Assert.DoesNotContain(Failures(Valid(p => p.Origins = ["https://id.example.com", "https://login.example.com:8443"])), f => f.Contains("Passkeys"));

    private sealed class TestEnvironment : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = "Testing";
        public string ApplicationName { get; set; } = "Idp";
        public string ContentRootPath { get; set; } = "/";
        public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
    }

    [Fact]
    public void AllowedAaguids_NotAGuid_NamesTheSetting() =>
        Assert.Contains(Failures(Valid(p => { p.Policy.AllowedAaguids = ["yubikey"]; p.Metadata.Path = "mds.jwt"; })),
            f => f.StartsWith("Idp:Passkeys:Policy:AllowedAaguids: 'yubikey'", StringComparison.Ordinal));

    [Fact]
    public void AllowedAaguids_WithoutMetadata_IsRefused_SinceNoModelCouldBeProven() =>
        Assert.Contains(Failures(Valid(p => p.Policy.AllowedAaguids = ["cb69481e-8ff7-4039-93ec-0a2729a154a8"])),
            f => f.StartsWith("Idp:Passkeys:Policy:AllowedAaguids needs Idp:Passkeys:Metadata", StringComparison.Ordinal));

    [Fact]
    public void MetadataUrl_NotHttps_NamesTheSetting() =>
        Assert.Contains(Failures(Valid(p => p.Metadata.Url = "http://mds3.fidoalliance.org/")), f => f.StartsWith("Idp:Passkeys:Metadata:Url", StringComparison.Ordinal));

    [Fact]
    public void Policy_AllowListWithMetadata_IsAccepted() =>
        Assert.DoesNotContain(Failures(Valid(p => { p.Policy.AllowedAaguids = ["cb69481e-8ff7-4039-93ec-0a2729a154a8"]; p.Metadata.Path = "mds.jwt"; })),
            f => f.Contains("Passkeys"));
}
