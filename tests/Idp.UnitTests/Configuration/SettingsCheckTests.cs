using System.ComponentModel.DataAnnotations;
using Idp.Configuration;
using Idp.Factors.Push;
using Idp.Helpdesk;
using Microsoft.Extensions.Configuration;

namespace Idp.UnitTests.Configuration;

/// <summary>The unknown-key check and the nested validation, against the real options types.</summary>
public sealed class SettingsCheckTests
{
    private static readonly KnownSettings[] Known =
    [
        new("Idp", typeof(IdpOptions)),
        new("Idp:Push", typeof(PushOptions)),
        new("Idp:Helpdesk", typeof(HelpdeskOptions)),
        new("Idp:Jobs:Enabled", typeof(bool)),
        new("Sample", typeof(SampleOptions)),
    ];

    private static IReadOnlyList<string> Check(params (string Key, string Value)[] settings) =>
        UnknownSettingsValidator.Check(
            new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value))).Build(),
            Known);

    [Fact]
    public void KnownKeys_AtEveryLevel_AreAccepted() =>
        Assert.Empty(Check(
            ("Idp:Issuer", "https://id.example"),
            ("Idp:Clients:0:ClientId", "portal"),
            ("Idp:Clients:0:Secret", "0123456789"),
            ("Idp:Clients:0:RedirectUris:0", "https://portal.example/cb"),
            ("idp:clients:1:trustbrowserdays", "7"),
            ("Idp:Mfa:Policy", "stepuponly"),
            ("Idp:Helpdesk:Sla:ExtraHolidays:0", "2026-12-24"),
            ("Idp:Jobs:Enabled", "false"),
            ("Sample:Renamed", "x"),
            ("Sample:Limits:first:Max", "3"),
            ("Logging:LogLevel:Default", "Warning"),
            ("Kestrel:Endpoints:Http:Url", "http://+:80")));

    [Fact]
    public void MisspeltClientSecret_NamesTheSecret()
    {
        var failure = Assert.Single(Check(("Idp:Clients:0:ClientId", "portal"), ("Idp:Clients:0:ClientSecret", "0123456789")));
        Assert.Equal("Unknown setting 'Idp:Clients:0:ClientSecret'. Did you mean 'Idp:Clients:0:Secret'?", failure);
    }

    [Theory]
    [InlineData("Idp:Isuer", "Did you mean 'Idp:Issuer'?")]
    [InlineData("Idp:Mfa:TrustBrowserDay", "Did you mean 'Idp:Mfa:TrustBrowserDays'?")]
    [InlineData("Idp:Pushh", "Did you mean 'Idp:Push'?")]
    [InlineData("Idp:Push:PollIntervall", "Did you mean 'Idp:Push:PollInterval'?")]
    [InlineData("Idp:Helpdesk:Sla:Hour", "Did you mean 'Idp:Helpdesk:Sla:Hours'?")]
    [InlineData("Idp:Jobs:Enable", "Did you mean 'Idp:Jobs:Enabled'?")]
    [InlineData("Idp:Clients:ClientId", "did you mean 'Idp:Clients:0:ClientId'?")]
    [InlineData("Sample:Name", "Did you mean 'Sample:Renamed'?")]
    [InlineData("Sample:Limits:first:Maximum", "Did you mean 'Sample:Limits:first:Max'?")]
    public void UnknownKey_IsRefused_WithTheNearestKnownKey(string key, string suggestion)
    {
        var failure = Assert.Single(Check((key, "1")));
        Assert.StartsWith($"Unknown setting '{key}'.", failure);
        Assert.EndsWith(suggestion, failure);
    }

    [Fact]
    public void ComputedProperty_IsNotASetting() =>
        Assert.StartsWith("Unknown setting 'Idp:Clients:0:EffectiveScopes'.", Assert.Single(Check(("Idp:Clients:0:EffectiveScopes:0", "openid"))));

    [Theory]
    [InlineData("Idp:Mfa:Policy", "Sometimes", "Idp:Mfa:Policy must be one of Never, StepUpOnly, Required (was 'Sometimes').")]
    [InlineData("Idp:Push:RequestLifetime", "2 minutes", "Idp:Push:RequestLifetime is not a valid duration (hh:mm:ss or d.hh:mm:ss) (was '2 minutes').")]
    [InlineData("Idp:Jobs:Enabled", "yes", "Idp:Jobs:Enabled is not a valid boolean (true or false) (was 'yes').")]
    public void UnconvertibleValue_IsRefused_NamingTheSetting(string key, string value, string expected) =>
        Assert.Equal(expected, Assert.Single(Check((key, value))));

    [Fact]
    public void NestedRange_InAListItem_NamesThePath()
    {
        var options = new IdpOptions { Clients = [new() { ClientId = "a" }, new() { ClientId = "b", TrustBrowserDays = 400 }] };
        options.Mfa.TotpWindow = 9;

        var failures = new NestedSettingsValidator<IdpOptions>("Idp").Validate(null, options).Failures;

        Assert.Equal(
            ["Idp:Issuer is required.", "Idp:Mfa:TotpWindow must be between 0 and 3 (was 9).", "Idp:Clients:1:TrustBrowserDays must be between 0 and 365 (was 400)."],
            failures);
    }

    [Fact]
    public void NestedRange_InADictionaryValue_NamesThePath()
    {
        var options = new SampleOptions { Limits = { ["first"] = new SampleLimit { Max = 50 } } };

        var failure = Assert.Single(new NestedSettingsValidator<SampleOptions>("Sample").Validate(null, options).Failures!);

        Assert.Equal("Sample:Limits:first:Max must be between 1 and 10 (was 50).", failure);
    }

    public sealed class SampleOptions
    {
        [ConfigurationKeyName("Renamed")]
        public string? Name { get; set; }

        public Dictionary<string, SampleLimit> Limits { get; } = [];
    }

    public sealed class SampleLimit
    {
        [Range(1, 10)]
        public int Max { get; set; } = 1;
    }
}
