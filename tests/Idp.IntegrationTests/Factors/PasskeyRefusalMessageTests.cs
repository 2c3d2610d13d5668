using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Idp.Data.Entities;
using Idp.Factors.Passkeys;
using Idp.IntegrationTests.Infrastructure;
using Idp.IntegrationTests.Protocol;
using Idp.IntegrationTests.SignIn;
using Microsoft.AspNetCore.Identity;

namespace Idp.IntegrationTests.Factors;

/// <summary>
/// A passkey removed on the profile but still on the user's device: the pages say it is no longer registered and
/// point to the ways that work, instead of "could not be verified, please try again" (which never can).
/// The browser tests run the real ceremony; here the authenticator's answer is made by hand.
/// </summary>
public sealed class PasskeyRefusalMessageTests : IAsyncLifetime
{
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
    public async Task RemovedPasskey_SaysNoLongerRegistered_OffersOtherWays()
    {
        var user = await _idp.CreateUserAsync();
        var secret = await _idp.SeedTotpAsync(user);
        var removed = await SeedPasskeyAsync(user, "Old key");
        await SeedPasskeyAsync(user, "Laptop");
        Assert.True(await _idp.WithScopeAsync(s => s.GetRequiredService<PasskeyAuthenticators>().RemoveAsync(user.Id, Base64Url.EncodeToString(removed))));
        using var browser = _idp.CreateBrowser();
        var signIn = await browser.GetAsync(_rp.AuthorizeUrl());
        var requestId = signIn.Url.QueryParameters()["request_id"];

        // Password-less: the removed passkey is refused for good, and the password is offered for this portal.
        var passwordless = await browser.GetAsync(signIn.Document.QuerySelector("#passwordless")!.GetAttribute("href")!);
        var refused = await browser.SubmitFormAsync("#passwordless-form", new() { ["Credential"] = AssertionJson(passwordless, "#passwordless-form", removed, user.Id) });
        Assert.Equal("/signin/passkey-only", refused.Url.AbsolutePath);
        Assert.Contains("no longer registered", refused.ErrorSummary());
        Assert.DoesNotContain("try again", refused.ErrorSummary());
        Assert.Contains("request_id=" + Uri.EscapeDataString(requestId), refused.Document.QuerySelector("#use-password")!.GetAttribute("href"));

        // After the password, on the passkey page: the same answer, with the other factor, and the lost-factor link.
        await browser.GetAsync(refused.Document.QuerySelector("#use-password")!.GetAttribute("href")!);
        await TestRelyingParty.SignInAsync(browser, browser.LastResponse!, user);
        var passkeyPage = await browser.GetAsync($"{PasskeyAuthenticators.ChallengePage}?request_id={Uri.EscapeDataString(requestId)}");
        Assert.Equal(PasskeyAuthenticators.ChallengePage, passkeyPage.Url.AbsolutePath);
        var again = await browser.SubmitFormAsync("#passkey-form", new() { ["Credential"] = AssertionJson(passkeyPage, "#passkey-form", removed, user.Id) });
        Assert.Equal(PasskeyAuthenticators.ChallengePage, again.Url.AbsolutePath);
        Assert.Contains("no longer registered", again.ErrorSummary());
        Assert.NotNull(again.Document.QuerySelector("#cannot-use-factor"));
        var totpLink = again.Document.QuerySelectorAll(".links a").Select(a => a.GetAttribute("href")!).Single(h => h.StartsWith("/signin/totp", StringComparison.Ordinal));

        // The authenticator app still signs in, for the portal.
        await browser.GetAsync(totpLink);
        var done = await browser.SubmitFormAsync("#totp-form", new() { ["Input.Code"] = SecondFactorSteps.CodeFor(secret, _idp) });
        Assert.NotNull(_rp.CodeFrom(done));
    }

    /// <summary>A well-formed WebAuthn assertion for the page's challenge, naming <paramref name="credentialId"/> (its signature is not checked that far).</summary>
    private static string AssertionJson(BrowserResponse page, string form, byte[] credentialId, string userId)
    {
        using var options = JsonDocument.Parse(page.Document.QuerySelector(form)!.GetAttribute("data-passkey-options")!);
        var challenge = options.RootElement.GetProperty("challenge").GetString()!;
        var clientData = JsonSerializer.SerializeToUtf8Bytes(new { type = "webauthn.get", challenge, origin = IdpFactory.Issuer, crossOrigin = false });
        var authenticatorData = new byte[37];
        SHA256.HashData(Encoding.UTF8.GetBytes("localhost")).CopyTo(authenticatorData, 0);
        authenticatorData[32] = 0x05; // user present, user verified
        var id = Base64Url.EncodeToString(credentialId);
        return JsonSerializer.Serialize(new
        {
            id,
            rawId = id,
            type = "public-key",
            response = new
            {
                clientDataJSON = Base64Url.EncodeToString(clientData),
                authenticatorData = Base64Url.EncodeToString(authenticatorData),
                signature = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(70)),
                userHandle = Base64Url.EncodeToString(Encoding.UTF8.GetBytes(userId)),
            },
            clientExtensionResults = new { },
            authenticatorAttachment = "platform",
        });
    }

    /// <summary>Stores a passkey for the user as if enrolled earlier; returns its credential id.</summary>
    private Task<byte[]> SeedPasskeyAsync(IdpUser user, string name) => _idp.WithScopeAsync(async services =>
    {
        var users = services.GetRequiredService<UserManager<IdpUser>>();
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var credentialId = RandomNumberGenerator.GetBytes(16);
        var passkey = new UserPasskeyInfo(credentialId, key.ExportSubjectPublicKeyInfo(), _idp.Clock.GetUtcNow(), 0, ["internal"],
            isUserVerified: true, isBackupEligible: false, isBackedUp: false, attestationObject: [], clientDataJson: []) { Name = name };
        Assert.True((await users.AddOrUpdatePasskeyAsync((await users.FindByIdAsync(user.Id))!, passkey)).Succeeded);
        return credentialId;
    });
}
