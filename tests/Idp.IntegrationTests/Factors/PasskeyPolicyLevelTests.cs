using System.Security.Cryptography;
using Idp.Authentication;
using Idp.Data.Entities;
using Idp.IntegrationTests.Infrastructure;
using Idp.IntegrationTests.Protocol;
using Microsoft.AspNetCore.Identity;

namespace Idp.IntegrationTests.Factors;

/// <summary>
/// <c>Idp:Passkeys:Policy:SyncedCountAsPhishingResistant</c> through the one sign-in decision: a synced passkey reaches
/// <c>urn:idp:acr:phr</c> by default and only the second-factor level when synced passkeys do not count.
/// </summary>
public sealed class PasskeyPolicyLevelTests
{
    private const string PhrEssential = """{"id_token":{"acr":{"essential":true,"values":["urn:idp:acr:phr"]}}}""";

    [Theory]
    [InlineData(null, true)]
    [InlineData("false", false)]
    public async Task SyncedPasskey_ReachesPhishingResistant_OnlyWhenSyncedCount(string? syncedCount, bool reaches)
    {
        await using var idp = new IdpFactory();
        idp.WithClient(TestClients.Create("portal", c => c.Secret = TestClients.Secret));
        if (syncedCount is not null)
            idp.WithSetting("Idp:Passkeys:Policy:SyncedCountAsPhishingResistant", syncedCount);
        idp.Start();
        var rp = new TestRelyingParty(idp, "portal");
        var user = await idp.CreateUserAsync();
        await SeedSyncedPasskeyAsync(idp, user);
        await idp.SeedTotpAsync(user);
        using var browser = idp.CreateBrowser();

        var result = await rp.AuthorizeAsync(browser, user, rp.AuthorizeUrl(extra: ("claims", PhrEssential)));

        if (reaches)
        {
            Assert.Equal("/signin/passkey", result.Url.AbsolutePath);
        }
        else
        {
            Assert.True(result.IsExternalRedirect);
            Assert.Equal("unmet_authentication_requirements", result.LocationQuery["error"]);
        }
    }

    [Fact]
    public async Task Profile_ShowsAPasskeyWithoutMetadata_AsUnknownAuthenticator()
    {
        await using var idp = new IdpFactory();
        idp.WithClient(TestClients.Create("portal", c => c.Secret = TestClients.Secret)).Start();
        var rp = new TestRelyingParty(idp, "portal");
        var user = await idp.CreateUserAsync();
        var secret = await idp.SeedTotpAsync(user);
        idp.Clock.Advance(TimeSpan.FromMinutes(1));
        await SeedSyncedPasskeyAsync(idp, user);
        using var browser = idp.CreateBrowser();
        var pin = await rp.AuthorizeAsync(browser, user, rp.AuthorizeUrl(extra: ("acr_values", AuthenticationLevels.SecondFactorAcr)));
        if (pin.Url.AbsolutePath != "/signin/totp")
            pin = await browser.GetAsync("/signin/totp" + pin.Url.Query);
        await browser.SubmitFormAsync("#totp-form", new() { ["Input.Code"] = SecondFactorSteps.CodeFor(secret, idp) });

        var profile = await browser.GetAsync("/profile");

        var models = profile.Document.QuerySelectorAll("#factors .factor-model").Select(c => c.TextContent.Trim()).ToList();
        Assert.Contains("unknown authenticator (synced)", models);
    }

    private static Task SeedSyncedPasskeyAsync(IdpFactory idp, IdpUser user) => idp.WithScopeAsync(async services =>
    {
        var users = services.GetRequiredService<UserManager<IdpUser>>();
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var passkey = new UserPasskeyInfo(RandomNumberGenerator.GetBytes(16), key.ExportSubjectPublicKeyInfo(), idp.Clock.GetUtcNow(), 0, ["hybrid"],
            isUserVerified: true, isBackupEligible: true, isBackedUp: true, attestationObject: [], clientDataJson: []) { Name = "Phone" };
        Assert.True((await users.AddOrUpdatePasskeyAsync((await users.FindByIdAsync(user.Id))!, passkey)).Succeeded);
    });
}
