using System.Security.Cryptography;
using System.Web;
using Idp.Authentication;
using Idp.Data.Entities;
using Idp.IntegrationTests.Infrastructure;
using Idp.IntegrationTests.Protocol;
using Microsoft.AspNetCore.Identity;

namespace Idp.IntegrationTests.Factors;

/// <summary>
/// Step-up picks a factor that reaches the level asked for: a PIN user with a passkey asked for the
/// phishing-resistant level gets the passkey, never the PIN page; a user without such a factor gets
/// <c>unmet_authentication_requirements</c> (essential) or the level they have (voluntary).
/// </summary>
public sealed class StepUpLevelTests : IAsyncLifetime
{
    private const string PhrEssential = """{"id_token":{"acr":{"essential":true,"values":["urn:idp:acr:phr"]}}}""";
    private readonly IdpFactory _idp = new();
    private TestRelyingParty _rp = null!;

    public Task InitializeAsync()
    {
        _idp.WithClient(TestClients.Create("portal", c => c.Secret = TestClients.Secret)).Start();
        _rp = new TestRelyingParty(_idp, "portal");
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _idp.DisposeAsync();

    [Fact]
    public async Task PinUsedLast_AskedForPhishingResistant_GetsThePasskeyOnly()
    {
        var user = await _idp.CreateUserAsync();
        await SeedPasskeyAsync(user);
        _idp.Clock.Advance(TimeSpan.FromMinutes(1));
        var secret = await _idp.SeedTotpAsync(user);
        using var browser = _idp.CreateBrowser();

        // Sign-in at the second-factor level: the PIN, used last, is asked.
        var pin = await _rp.AuthorizeAsync(browser, user);
        Assert.Equal("/signin/totp", pin.Url.AbsolutePath);
        var first = await _rp.IdTokenAsync(await browser.SubmitFormAsync("#totp-form", new() { ["Input.Code"] = SecondFactorSteps.CodeFor(secret, _idp) }));
        Assert.Equal(AuthenticationLevels.SecondFactorAcr, first.GetClaim("acr").Value);

        // Step-up to the phishing-resistant level: the passkey page, with no way to the PIN or a recovery code.
        var stepUp = await browser.GetAsync(_rp.AuthorizeUrl(extra: ("acr_values", AuthenticationLevels.PhishingResistantAcr)));
        Assert.Equal("/signin/passkey", stepUp.Url.AbsolutePath);
        Assert.Equal("3", HttpUtility.ParseQueryString(stepUp.Url.Query)["level"]);
        Assert.NotNull(stepUp.Document.QuerySelector("#passkey-form"));
        Assert.DoesNotContain(stepUp.Document.QuerySelectorAll("a[href]"), a => a.GetAttribute("href")!.StartsWith("/signin/totp", StringComparison.Ordinal));
        Assert.Null(stepUp.Document.QuerySelector("#use-recovery-code"));

        // Typing the PIN page's or the recovery code page's address leads back to the passkey.
        var requestId = HttpUtility.ParseQueryString(stepUp.Url.Query)["request_id"]!;
        foreach (var page in new[] { "/signin/totp", "/signin/recovery-code" })
        {
            var typed = await browser.GetAsync($"{page}?request_id={Uri.EscapeDataString(requestId)}&level=3");
            Assert.Equal("/signin/passkey", typed.Url.AbsolutePath);
        }

        // A step-up at the second-factor level (max_age) still asks the PIN used last.
        _idp.Clock.Advance(TimeSpan.FromMinutes(10));
        var fresh = await browser.GetAsync(_rp.AuthorizeUrl(extra: ("max_age", "300")));
        Assert.Equal("/signin/totp", fresh.Url.AbsolutePath);
        Assert.Contains(fresh.Document.QuerySelectorAll("a[href]"), a => a.GetAttribute("href")!.StartsWith("/signin/passkey", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SignIn_PortalAsksPhishingResistant_PasswordThenPasskey_NotThePin()
    {
        var user = await _idp.CreateUserAsync();
        await SeedPasskeyAsync(user);
        _idp.Clock.Advance(TimeSpan.FromMinutes(1));
        await _idp.SeedTotpAsync(user);
        using var browser = _idp.CreateBrowser();

        var challenge = await _rp.AuthorizeAsync(browser, user, _rp.AuthorizeUrl(extra: ("claims", PhrEssential)));
        Assert.Equal("/signin/passkey", challenge.Url.AbsolutePath);
        Assert.Equal("3", HttpUtility.ParseQueryString(challenge.Url.Query)["level"]);
    }

    [Fact]
    public async Task PinOnly_AskedForPhishingResistant_EssentialIsUnmet_VoluntaryKeepsTheSecondFactorLevel()
    {
        var user = await _idp.CreateUserAsync();
        var secret = await _idp.SeedTotpAsync(user);
        using var browser = _idp.CreateBrowser();
        await _rp.AuthorizeAsync(browser, user);
        await _rp.IdTokenAsync(await browser.SubmitFormAsync("#totp-form", new() { ["Input.Code"] = SecondFactorSteps.CodeFor(secret, _idp) }));

        var unmet = await browser.GetAsync(_rp.AuthorizeUrl(extra: ("claims", PhrEssential)));
        Assert.Equal("unmet_authentication_requirements", unmet.LocationQuery["error"]);

        var voluntary = await _rp.IdTokenAsync(await browser.GetAsync(_rp.AuthorizeUrl(extra: ("acr_values", AuthenticationLevels.PhishingResistantAcr))));
        Assert.Equal(AuthenticationLevels.SecondFactorAcr, voluntary.GetClaim("acr").Value);

        // A step-up page asked for a level no factor reaches offers what the user has, without the level.
        var stepUp = await browser.GetAsync("/signin/step-up?then=profile&level=3");
        Assert.Equal("/signin/totp", stepUp.Url.AbsolutePath);
        Assert.Null(HttpUtility.ParseQueryString(stepUp.Url.Query)["level"]);
    }

    [Fact]
    public async Task PinOnly_SignInAskingPhishingResistantEssential_IsUnmetAtOnce_WithoutAskingThePin()
    {
        var user = await _idp.CreateUserAsync();
        await _idp.SeedTotpAsync(user);
        using var browser = _idp.CreateBrowser();
        var done = await _rp.AuthorizeAsync(browser, user, _rp.AuthorizeUrl(extra: ("claims", PhrEssential)));
        Assert.True(done.IsExternalRedirect);
        Assert.Equal("unmet_authentication_requirements", done.LocationQuery["error"]);
        Assert.DoesNotContain(done.Redirects, r => r.To.AbsolutePath == "/signin/totp");
    }

    /// <summary>Stores a passkey for the user as if enrolled earlier (not usable by a real authenticator: the page only offers it).</summary>
    private Task SeedPasskeyAsync(IdpUser user) => _idp.WithScopeAsync(async services =>
    {
        var users = services.GetRequiredService<UserManager<IdpUser>>();
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var passkey = new UserPasskeyInfo(RandomNumberGenerator.GetBytes(16), key.ExportSubjectPublicKeyInfo(), _idp.Clock.GetUtcNow(), 0, ["internal"],
            isUserVerified: true, isBackupEligible: false, isBackedUp: false, attestationObject: [], clientDataJson: []) { Name = "Laptop" };
        var stored = await users.AddOrUpdatePasskeyAsync((await users.FindByIdAsync(user.Id))!, passkey);
        Assert.True(stored.Succeeded);
    });
}
