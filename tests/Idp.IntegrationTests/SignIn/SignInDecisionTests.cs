using System.Web;
using Idp.Authentication;
using Idp.Factors;
using Idp.IntegrationTests.Factors;
using Idp.IntegrationTests.Infrastructure;
using Idp.IntegrationTests.Protocol;

namespace Idp.IntegrationTests.SignIn;

/// <summary>
/// The one sign-in decision applies the rules of the portal that asks, on every path to a code: a session made
/// under one portal's rules does not satisfy a stricter portal, and a parked request belongs to the browser and
/// the user it was started for.
/// </summary>
public sealed class SignInDecisionTests : IAsyncLifetime
{
    private readonly IdpFactory _idp = new();
    private TestRelyingParty _lax = null!;
    private TestRelyingParty _strict = null!;
    private TestRelyingParty _trusting = null!;
    private TestRelyingParty _thirdParty = null!;

    public Task InitializeAsync()
    {
        _idp.WithSetting("Idp:Mfa:Policy", "StepUpOnly")
            .WithClient(TestClients.Create("lax", c => c.Secret = TestClients.Secret))
            .WithClient(TestClients.Create("strict", c => { c.Secret = TestClients.Secret; c.MfaPolicy = MfaPolicy.Required; c.TrustBrowserDays = 0; }))
            .WithClient(TestClients.Create("trusting", c => { c.Secret = TestClients.Secret; c.MfaPolicy = MfaPolicy.Required; c.TrustBrowserDays = 30; }))
            .WithClient(TestClients.Create("third", c => { c.Secret = TestClients.Secret; c.ThirdParty = true; }))
            .Start();
        _lax = new TestRelyingParty(_idp, "lax");
        _strict = new TestRelyingParty(_idp, "strict");
        _trusting = new TestRelyingParty(_idp, "trusting");
        _thirdParty = new TestRelyingParty(_idp, "third");
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _idp.DisposeAsync();

    [Fact]
    public async Task SsoSession_FromLaxPortal_DoesNotSatisfyStrictPortal()
    {
        var user = await _idp.CreateUserAsync();
        var secret = await _idp.SeedTotpAsync(user);
        using var browser = _idp.CreateBrowser();

        var lax = await _lax.IdTokenAsync(await _lax.AuthorizeAsync(browser, user));
        Assert.Equal(AuthenticationLevels.PasswordAcr, lax.GetClaim("acr").Value);

        // Same browser, the strict portal: its factor before any code, without the password again.
        var strict = await browser.GetAsync(_strict.AuthorizeUrl());
        Assert.False(strict.IsExternalRedirect, "The strict portal got an answer without its second factor.");
        Assert.Equal("/signin/totp", strict.Url.AbsolutePath);
        Assert.DoesNotContain(strict.Redirects, r => r.To.AbsolutePath == "/signin");

        var token = await _strict.IdTokenAsync(await browser.SubmitFormAsync("#totp-form", new() { ["Input.Code"] = SecondFactorSteps.CodeFor(secret, _idp) }));
        Assert.Equal(AuthenticationLevels.SecondFactorAcr, token.GetClaim("acr").Value);
        Assert.Contains("otp", token.Amr());
    }

    [Fact]
    public async Task SsoSession_FromLaxPortal_PromptNoneAtStrictPortal_IsInteractionRequired()
    {
        var user = await _idp.CreateUserAsync();
        await _idp.SeedTotpAsync(user);
        using var browser = _idp.CreateBrowser();
        await _lax.IdTokenAsync(await _lax.AuthorizeAsync(browser, user));

        var answer = await browser.GetAsync(_strict.AuthorizeUrl(extra: ("prompt", "none")));
        Assert.True(answer.IsExternalRedirect);
        Assert.Equal("interaction_required", answer.LocationQuery["error"]);
        Assert.Null(answer.LocationParameter("code"));
    }

    [Fact]
    public async Task TrustedBrowser_SkipsTheFactorForTrustingPortal_NotForPortalWithoutTrust()
    {
        var user = await _idp.CreateUserAsync();
        var secret = await _idp.SeedTotpAsync(user);
        using var browser = _idp.CreateBrowser();

        // First sign-in at the trusting portal: password, PIN, "trust this browser".
        var pin = await _trusting.AuthorizeAsync(browser, user);
        Assert.Equal("/signin/totp", pin.Url.AbsolutePath);
        await _trusting.IdTokenAsync(await browser.SubmitFormAsync("#totp-form", new() { ["Input.Code"] = SecondFactorSteps.CodeFor(secret, _idp), ["Input.TrustBrowser"] = "true" }));
        await SignOutAsync(browser);

        // Next sign-in there: the trusted browser skips the PIN.
        var trusted = await _trusting.IdTokenAsync(await _trusting.AuthorizeAsync(browser, user));
        Assert.Equal(AuthenticationLevels.PasswordAcr, trusted.GetClaim("acr").Value);

        // A portal that allows no trusted browser asks for the factor before a code.
        var strict = await browser.GetAsync(_strict.AuthorizeUrl());
        Assert.False(strict.IsExternalRedirect, "The skipped factor counted for a portal whose TrustBrowserDays is 0.");
        Assert.Equal("/signin/totp", strict.Url.AbsolutePath);
    }

    [Fact]
    public async Task GraceSignIn_Elsewhere_DoesNotSatisfyRequiredPortal_OnceEnrolled()
    {
        var user = await _idp.CreateUserAsync();
        using var browser = _idp.CreateBrowser();

        // The free first sign-in after registration, at the strict portal itself: password only.
        var grace = await _strict.IdTokenAsync(await _strict.AuthorizeAsync(browser, user));
        Assert.Equal(["pwd"], grace.Amr());
        // The same session still serves the strict portal while the user has no factor.
        var again = await _strict.IdTokenAsync(await browser.GetAsync(_strict.AuthorizeUrl()));
        Assert.Equal(["pwd"], again.Amr());

        // Once the user has enrolled (here: a factor added elsewhere), the grace session no longer satisfies it.
        var secret = await _idp.SeedTotpAsync(user);
        var strict = await browser.GetAsync(_strict.AuthorizeUrl());
        Assert.Equal("/signin/totp", strict.Url.AbsolutePath);
        var token = await _strict.IdTokenAsync(await browser.SubmitFormAsync("#totp-form", new() { ["Input.Code"] = SecondFactorSteps.CodeFor(secret, _idp) }));
        Assert.Equal(AuthenticationLevels.SecondFactorAcr, token.GetClaim("acr").Value);
    }

    [Fact]
    public async Task SessionMadeWhereNothingIsAsked_RequiredPortal_EnrolsBeforeAnyCode()
    {
        // Globally no second factor; one portal requires it. The user's free sign-ins are long used up.
        await using var idp = new IdpFactory()
            .WithSetting("Idp:Mfa:Policy", "Never")
            .WithClient(TestClients.Create("open", c => c.Secret = TestClients.Secret))
            .WithClient(TestClients.Create("strict", c => { c.Secret = TestClients.Secret; c.MfaPolicy = MfaPolicy.Required; }));
        var open = new TestRelyingParty(idp, "open");
        var strict = new TestRelyingParty(idp, "strict");
        var user = await idp.CreateUserAsync(configure: u => u.SignInCount = 500);
        using var browser = idp.CreateBrowser();

        var token = await open.IdTokenAsync(await open.AuthorizeAsync(browser, user));
        Assert.Equal(["pwd"], token.Amr());

        // The strict portal, same browser: enrolment first, with the session (no password again), then the code.
        var enrol = await browser.GetAsync(strict.AuthorizeUrl());
        Assert.False(enrol.IsExternalRedirect, "A portal requiring a second factor got a code for a password-only session.");
        Assert.Equal("/enrol/welcome", enrol.Url.AbsolutePath);
        var (_, codesPage) = await browser.EnrolTotpAsync(idp);
        var continued = await browser.GetAsync(codesPage.Document.QuerySelector("#continue")!.GetAttribute("href")!);
        var strictToken = await strict.IdTokenAsync(continued);
        Assert.Equal(AuthenticationLevels.SecondFactorAcr, strictToken.GetClaim("acr").Value);
    }

    [Fact]
    public async Task Resume_FromAnotherBrowser_IssuesNoCode()
    {
        var victim = await _idp.CreateUserAsync();
        var attacker = await _idp.CreateUserAsync();
        using var victimBrowser = _idp.CreateBrowser();
        using var attackerBrowser = _idp.CreateBrowser();

        var signInPage = await victimBrowser.GetAsync(_lax.AuthorizeUrl());
        Assert.Equal("/signin", signInPage.Url.AbsolutePath);
        var requestId = HttpUtility.ParseQueryString(signInPage.Url.Query)["request_id"]!;

        // The other browser, signed in as someone else, opens the request.
        await _lax.IdTokenAsync(await _lax.AuthorizeAsync(attackerBrowser, attacker));
        var resumed = await attackerBrowser.GetAsync($"/connect/authorize/resume?request_id={Uri.EscapeDataString(requestId)}");
        Assert.False(resumed.IsExternalRedirect, "Another browser's request yielded a redirect to the client.");
        Assert.Null(resumed.LocationParameter("code"));

        // Nor do the sign-in pages show that browser the portal's request.
        var page = await attackerBrowser.GetAsync($"/signin?request_id={Uri.EscapeDataString(requestId)}");
        Assert.DoesNotContain("Test portal lax", page.Body, StringComparison.Ordinal);

        // The browser that started it still completes it.
        var own = await RelyingPartySignInAsync(victimBrowser, signInPage, victim);
        Assert.NotNull(own.LocationParameter("code"));
    }

    [Fact]
    public async Task Resume_AfterSessionUserChanged_IssuesNoCode()
    {
        var alice = await _idp.CreateUserAsync();
        var bob = await _idp.CreateUserAsync();
        using var browser = _idp.CreateBrowser();

        // Alice signs in for the third-party app and consents; the way back to the engine is not yet followed.
        var consent = await _thirdParty.AuthorizeAsync(browser, alice);
        Assert.Equal("/consent", consent.Url.AbsolutePath);
        var allowed = await browser.SubmitFormAsync(consent, "#consent-form", followRedirects: false);
        var resumeUrl = allowed.Location!.PathAndQuery;
        Assert.StartsWith("/connect/authorize/resume", resumeUrl);

        // Meanwhile Bob signs in in the same browser.
        var bobSignIn = await browser.GetAsync("/signin");
        await RelyingPartySignInAsync(browser, bobSignIn, bob);

        // Alice's request, resumed with Bob's session: no code for Bob, and Alice's consent is not his.
        var resumed = await browser.GetAsync(resumeUrl);
        Assert.False(resumed.IsExternalRedirect, "A request parked for one user yielded a code for another.");
        Assert.Equal("/signin", resumed.Url.AbsolutePath);

        // Bob proving his password for it makes it his: he is asked for his own consent.
        var own = await RelyingPartySignInAsync(browser, resumed, bob);
        Assert.Equal("/consent", own.Url.AbsolutePath);
    }

    private static Task<BrowserResponse> RelyingPartySignInAsync(BrowserClient browser, BrowserResponse signInPage, Data.Entities.IdpUser user) =>
        TestRelyingParty.SignInAsync(browser, signInPage, user);

    private static async Task SignOutAsync(BrowserClient browser)
    {
        var page = await browser.GetAsync("/signout");
        await browser.SubmitFormAsync(page, "#signout-form");
    }
}
