using Idp.Accounts;
using Idp.Authentication;
using Idp.Data.Entities;
using Idp.Factors;
using Idp.Factors.Totp;
using Idp.IntegrationTests.Infrastructure;
using Idp.IntegrationTests.Protocol;
using Idp.IntegrationTests.SignIn;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;

namespace Idp.IntegrationTests.Factors;

/// <summary>Journeys 2, 3, 4, 7 and 8 of DESIGN.md through the browser, with codes made from the secret on the page.</summary>
public sealed class SecondFactorJourneyTests : IAsyncLifetime
{
    private readonly IdpFactory _idp = new();
    private TestRelyingParty _rp = null!;

    public Task InitializeAsync()
    {
        _idp.WithClient(TestClients.Create("portal", c => c.Secret = TestClients.Secret)).WithSetting("Idp:Mfa:GraceSignIns", "1").Start();
        _rp = new TestRelyingParty(_idp, "portal");
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _idp.DisposeAsync();

    [Fact]
    public async Task Journey_RegisterFromPortal_FirstSignInFree_NextEnrols()
    {
        // Journey 1: the portal sends the browser to Idp, the user registers there and confirms the e-mail.
        using var browser = _idp.CreateBrowser();
        var signIn = await browser.GetAsync(_rp.AuthorizeUrl());
        var requestId = signIn.Url.QueryParameters()["request_id"];
        var done = await browser.RegisterAsync("journey@example.test", requestId: requestId);
        var accountNumber = done.Text("#account-number")!;
        var mail = (await _idp.LatestOutboxMessageAsync("journey@example.test"))!;
        await browser.GetAsync(mail.Links().Single());
        var user = await _idp.WithDbAsync(db => db.Users.AsNoTracking().SingleAsync(u => u.AccountNumber == accountNumber));
        Assert.True(user.EmailConfirmed);

        // Journey 2: the first sign-in needs only the password.
        var first = await _rp.IdTokenAsync(await _rp.AuthorizeAsync(browser, user));
        Assert.Equal(["pwd"], first.Amr());

        // Journey 3: the next sign-in (another day, another browser) enrols before returning to the portal.
        using var nextDay = _idp.CreateBrowser();
        var welcome = await _rp.AuthorizeAsync(nextDay, user);
        Assert.Equal("/enrol/welcome", welcome.Url.AbsolutePath);
        var (_, codesPage) = await nextDay.EnrolTotpAsync(_idp);
        var token = await _rp.IdTokenAsync(await nextDay.GetAsync(codesPage.Document.QuerySelector("#continue")!.GetAttribute("href")!));
        Assert.Equal(AuthenticationLevels.SecondFactorAcr, token.GetClaim("acr").Value);
        Assert.Equal(["pwd", "otp", "mfa"], token.Amr());
    }

    [Fact]
    public async Task Journey_FreeFirstSignIn_EnrolAtNext_ThenTotpOnce()
    {
        var user = await _idp.CreateUserAsync();

        // Journey 2: the first sign-in is free.
        using (var first = _idp.CreateBrowser())
        {
            var idToken = await _rp.IdTokenAsync(await _rp.AuthorizeAsync(first, user));
            Assert.Equal(["pwd"], idToken.Amr());
            Assert.Equal(AuthenticationLevels.PasswordAcr, idToken.GetClaim("acr").Value);
        }

        // Journey 3: the next sign-in enrols.
        using var browser = _idp.CreateBrowser();
        var welcome = await _rp.AuthorizeAsync(browser, user);
        Assert.Equal("/enrol/welcome", welcome.Url.AbsolutePath);
        Assert.Contains("Welcome to Secure Login", welcome.Body);
        var choice = await browser.SubmitFormAsync("#welcome-form");
        Assert.Equal("/enrol", choice.Url.AbsolutePath);
        foreach (var app in new[] { "Microsoft Authenticator", "Google Authenticator", "FreeOTP", "Authy", "Duo Mobile" })
            Assert.Contains(app, choice.Body);

        var qrPage = await browser.GetAsync(choice.Document.QuerySelector("#enrol-totp")!.GetAttribute("href")!);
        var secret = qrPage.Text("#totp-secret")!;
        Assert.Matches("^([A-Z2-7]{4} ){7}[A-Z2-7]{4}$", secret);
        var otpauth = qrPage.Document.QuerySelector("#otpauth-link")!.GetAttribute("href")!;
        Assert.Equal($"otpauth://totp/Idp:{user.AccountNumber}?secret={secret.Replace(" ", "")}&issuer=Idp&algorithm=SHA1&digits=6&period=30", otpauth);
        Assert.StartsWith("data:image/svg+xml;base64,", qrPage.Document.QuerySelector("img.qr-code")!.GetAttribute("src"));
        var codeField = qrPage.Document.QuerySelector("#Input_Code")!;
        Assert.Equal("one-time-code", codeField.GetAttribute("autocomplete"));
        Assert.Equal("numeric", codeField.GetAttribute("inputmode"));

        // A wrong code keeps the same secret; nothing is stored yet.
        var right = SecondFactorSteps.CodeFor(secret, _idp);
        var wrong = await browser.SubmitFormAsync("#enrol-totp-form", new() { ["Input.Name"] = "My phone", ["Input.Code"] = right == "000000" ? "111111" : "000000" });
        Assert.Equal("/enrol/totp", wrong.Url.AbsolutePath);
        Assert.Equal(secret, wrong.Text("#totp-secret"));
        Assert.NotNull(wrong.Document.QuerySelector(".field--error"));
        Assert.Equal(0, await _idp.WithDbAsync(db => db.UserFactors.CountAsync(f => f.SubjectId == user.Id)));

        var codesPage = await browser.SubmitFormAsync("#enrol-totp-form", new() { ["Input.Name"] = "My phone", ["Input.Code"] = right });
        Assert.Equal("/enrol/recovery-codes", codesPage.Url.AbsolutePath);
        var recoveryCodes = codesPage.RecoveryCodes();
        Assert.Equal(10, recoveryCodes.Count);
        Assert.Equal(10, recoveryCodes.Distinct().Count());

        // Continue to the portal in the same flow, with the second factor in the token.
        var back = await browser.GetAsync(codesPage.Document.QuerySelector("#continue")!.GetAttribute("href")!);
        var enrolledToken = await _rp.IdTokenAsync(back);
        Assert.Equal(AuthenticationLevels.SecondFactorAcr, enrolledToken.GetClaim("acr").Value);
        Assert.Equal(["pwd", "otp", "mfa"], enrolledToken.Amr());

        // Shown once: the codes page has nothing to show again.
        var again = await browser.GetAsync("/enrol/recovery-codes");
        Assert.Empty(again.RecoveryCodes());
        var stored = await _idp.WithDbAsync(db => db.UserFactors.AsNoTracking().SingleAsync(f => f.SubjectId == user.Id));
        Assert.Equal("My phone", stored.Name);
        Assert.DoesNotContain(secret.Replace(" ", ""), stored.ProtectedSecret);

        // Journey 4: the next sign-in asks for the PIN; the code already used is refused.
        using var third = _idp.CreateBrowser();
        var pin = await _rp.AuthorizeAsync(third, user);
        Assert.Equal("/signin/totp", pin.Url.AbsolutePath);
        var replay = await third.SubmitFormAsync("#totp-form", new() { ["Input.Code"] = right });
        Assert.Equal("/signin/totp", replay.Url.AbsolutePath);
        Assert.Contains("already used", replay.Text(".field__error"));

        _idp.Clock.Advance(TimeSpan.FromSeconds(30));
        var signedIn = await third.SubmitFormAsync("#totp-form", new() { ["Input.Code"] = SecondFactorSteps.CodeFor(secret, _idp) });
        var token = await _rp.IdTokenAsync(signedIn);
        Assert.Equal(["pwd", "otp", "mfa"], token.Amr());
        Assert.Equal(AuthenticationLevels.SecondFactorAcr, token.GetClaim("acr").Value);

        var types = await _idp.WithDbAsync(db => db.AuditEvents.Where(a => a.SubjectId == user.Id).Select(a => a.Type).ToListAsync());
        Assert.Contains(AuditEventTypes.FactorEnrolled, types);
        Assert.Contains(AuditEventTypes.FactorFailed, types);
        Assert.Contains(AuditEventTypes.FactorReplayed, types);
        Assert.Contains(AuditEventTypes.RecoveryCodesGenerated, types);
    }

    [Fact]
    public async Task Enrolment_German_UsesTheManualsWords()
    {
        var user = await _idp.CreateUserAsync(configure: u => u.SignInCount = 1);
        using var browser = _idp.CreateBrowser();
        browser.DefaultHeaders["Accept-Language"] = "de";
        var welcome = await _rp.AuthorizeAsync(browser, user);
        Assert.Contains("Willkommen zu Secure Login", welcome.Body);
        var choice = await browser.SubmitFormAsync("#welcome-form");
        var qrPage = await browser.GetAsync(choice.Document.QuerySelector("#enrol-totp")!.GetAttribute("href")!);
        Assert.Contains("Ihr Geheimschlüssel lautet", qrPage.Body);
        var secret = qrPage.Text("#totp-secret")!;
        var codes = await browser.SubmitFormAsync("#enrol-totp-form", new() { ["Input.Code"] = SecondFactorSteps.CodeFor(secret, _idp) });
        await _rp.IdTokenAsync(await browser.GetAsync(codes.Document.QuerySelector("#continue")!.GetAttribute("href")!));

        using var next = _idp.CreateBrowser();
        next.DefaultHeaders["Accept-Language"] = "de";
        var pin = await _rp.AuthorizeAsync(next, user);
        Assert.Contains("PIN-Anmeldung", pin.Body);
        Assert.Contains("Geben Sie bitte die PIN vom Authenticator ein", pin.Body);
    }

    [Fact]
    public async Task Enrolment_WelcomeShownOnce_AndNoWayAroundIt()
    {
        var user = await _idp.CreateUserAsync(configure: u => u.SignInCount = 1);
        using var browser = _idp.CreateBrowser();
        var welcome = await _rp.AuthorizeAsync(browser, user);
        Assert.Equal("/enrol/welcome", welcome.Url.AbsolutePath);
        await browser.SubmitFormAsync("#welcome-form");

        // Going back to the portal without enrolling gives no session.
        var retry = await browser.GetAsync(_rp.AuthorizeUrl(extra: ("prompt", "none")), followRedirects: false);
        Assert.Equal("login_required", retry.LocationQuery["error"]);

        using var other = _idp.CreateBrowser();
        var second = await _rp.AuthorizeAsync(other, user);
        Assert.Equal("/enrol", second.Url.AbsolutePath);
    }

    [Fact]
    public async Task StepUp_FromPasswordSession_AsksOnlyForTheCode_AndMovesAuthTime()
    {
        await using var idp = new IdpFactory();
        idp.WithClient(TestClients.Create("portal", c => c.Secret = TestClients.Secret)).WithSetting("Idp:Mfa:Policy", "StepUpOnly").Start();
        var rp = new TestRelyingParty(idp, "portal");
        var user = await idp.CreateUserAsync();
        var secret = await idp.SeedTotpAsync(user);

        using var browser = idp.CreateBrowser();
        var first = await rp.IdTokenAsync(await rp.AuthorizeAsync(browser, user));
        Assert.Equal(["pwd"], first.Amr());

        idp.Clock.Advance(TimeSpan.FromMinutes(2));
        var stepUp = await browser.GetAsync(rp.AuthorizeUrl(extra: ("acr_values", AuthenticationLevels.SecondFactorAcr)));
        Assert.Equal("/signin/totp", stepUp.Url.AbsolutePath);
        Assert.Null(stepUp.Document.QuerySelector("#Input_Password"));
        var done = await browser.SubmitFormAsync("#totp-form", new() { ["Input.Code"] = SecondFactorSteps.CodeFor(secret, idp) });
        var stepped = await rp.IdTokenAsync(done);
        Assert.Equal(AuthenticationLevels.SecondFactorAcr, stepped.GetClaim("acr").Value);
        Assert.Equal(["pwd", "otp", "mfa"], stepped.Amr());
        Assert.Equal(idp.Clock.GetUtcNow().ToUnixTimeSeconds(), stepped.GetPayloadValue<long>("auth_time"));
        Assert.True(stepped.GetPayloadValue<long>("auth_time") > first.GetPayloadValue<long>("auth_time"));
        Assert.Equal(first.GetClaim("sid").Value, stepped.GetClaim("sid").Value);

        // Essential acr above what the user can reach: the portal is told.
        var claims = """{"id_token":{"acr":{"essential":true,"values":["urn:idp:acr:phr"]}}}""";
        var unmet = await browser.GetAsync(rp.AuthorizeUrl(extra: ("claims", claims)), followRedirects: true);
        Assert.Equal("unmet_authentication_requirements", unmet.LocationQuery["error"]);
    }

    [Fact]
    public async Task StepUp_UserWithoutFactor_EssentialAcr_Unmet()
    {
        var user = await _idp.CreateUserAsync();
        using var browser = _idp.CreateBrowser();
        await _rp.IdTokenAsync(await _rp.AuthorizeAsync(browser, user));
        var claims = """{"id_token":{"acr":{"essential":true,"values":["urn:idp:acr:mfa"]}}}""";
        var unmet = await browser.GetAsync(_rp.AuthorizeUrl(extra: ("claims", claims)));
        Assert.Equal("unmet_authentication_requirements", unmet.LocationQuery["error"]);
    }

    [Fact]
    public async Task MaxAge_Exceeded_AsksAFreshCode_NotThePassword()
    {
        var user = await _idp.CreateUserAsync();
        var secret = await _idp.SeedTotpAsync(user);
        using var browser = _idp.CreateBrowser();
        var pin = await _rp.AuthorizeAsync(browser, user);
        await _rp.IdTokenAsync(await browser.SubmitFormAsync("#totp-form", new() { ["Input.Code"] = SecondFactorSteps.CodeFor(secret, _idp) }));

        _idp.Clock.Advance(TimeSpan.FromMinutes(10));
        var fresh = await browser.GetAsync(_rp.AuthorizeUrl(extra: ("max_age", "300")));
        Assert.Equal("/signin/totp", fresh.Url.AbsolutePath);
        var token = await _rp.IdTokenAsync(await browser.SubmitFormAsync("#totp-form", new() { ["Input.Code"] = SecondFactorSteps.CodeFor(secret, _idp) }));
        Assert.Equal(_idp.Clock.GetUtcNow().ToUnixTimeSeconds(), token.GetPayloadValue<long>("auth_time"));

        // prompt=login stays a full sign-in with the password.
        var again = await browser.GetAsync(_rp.AuthorizeUrl(extra: ("prompt", "login")));
        Assert.Equal("/signin", again.Url.AbsolutePath);
    }

    [Fact]
    public async Task RecoveryCode_WorksOnce()
    {
        var user = await _idp.CreateUserAsync(configure: u => u.SignInCount = 1);
        using var browser = _idp.CreateBrowser();
        await _rp.AuthorizeAsync(browser, user);
        var (_, codesPage) = await browser.EnrolTotpAsync(_idp);
        var code = codesPage.RecoveryCodes()[3];

        using var lost = _idp.CreateBrowser();
        var pin = await _rp.AuthorizeAsync(lost, user);
        var form = await lost.GetAsync(pin.Document.QuerySelector("#use-recovery-code")!.GetAttribute("href")!);
        var token = await _rp.IdTokenAsync(await lost.SubmitFormAsync("#recovery-code-form", new() { ["Input.Code"] = code.ToUpperInvariant() }));
        Assert.Equal(["pwd", "mfa"], token.Amr());
        Assert.Equal(AuthenticationLevels.SecondFactorAcr, token.GetClaim("acr").Value);

        using var again = _idp.CreateBrowser();
        pin = await _rp.AuthorizeAsync(again, user);
        form = await again.GetAsync(pin.Document.QuerySelector("#use-recovery-code")!.GetAttribute("href")!);
        var refused = await again.SubmitFormAsync("#recovery-code-form", new() { ["Input.Code"] = code });
        Assert.Equal("/signin/recovery-code", refused.Url.AbsolutePath);
        Assert.NotNull(refused.Text(".field__error"));
    }

    [Fact]
    public async Task RecoveryCode_AfterFiveWrongCodes_EvenTheRightOneWaits()
    {
        var user = await _idp.CreateUserAsync(configure: u => u.SignInCount = 1);
        using var browser = _idp.CreateBrowser();
        await _rp.AuthorizeAsync(browser, user);
        var (_, codesPage) = await browser.EnrolTotpAsync(_idp);
        var code = codesPage.RecoveryCodes()[0];

        using var lost = _idp.CreateBrowser();
        var pin = await _rp.AuthorizeAsync(lost, user);
        await lost.GetAsync(pin.Document.QuerySelector("#use-recovery-code")!.GetAttribute("href")!);
        for (var i = 0; i < 5; i++)
            await lost.SubmitFormAsync("#recovery-code-form", new() { ["Input.Code"] = "aaaa-bbbb-cccc" });
        Assert.Contains("30", lost.LastResponse.Text(".field__error"));

        var refused = await lost.SubmitFormAsync("#recovery-code-form", new() { ["Input.Code"] = code });
        Assert.Equal("/signin/recovery-code", refused.Url.AbsolutePath);

        _idp.Clock.Advance(TimeSpan.FromSeconds(31));
        var token = await _rp.IdTokenAsync(await lost.SubmitFormAsync("#recovery-code-form", new() { ["Input.Code"] = code }));
        Assert.Equal(["pwd", "mfa"], token.Amr());
    }

    [Fact]
    public async Task Profile_RemovingAFactor_NeedsAFreshFactor()
    {
        var user = await _idp.CreateUserAsync();
        var secret = await _idp.SeedTotpAsync(user);
        using var browser = _idp.CreateBrowser();
        var pin = await browser.GetAsync("/signin");
        pin = await _rp.AuthorizeAsync(browser, user);
        await _rp.IdTokenAsync(await browser.SubmitFormAsync("#totp-form", new() { ["Input.Code"] = SecondFactorSteps.CodeFor(secret, _idp) }));

        _idp.Clock.Advance(TimeSpan.FromMinutes(6));
        var profile = await browser.GetAsync("/profile");
        Assert.Contains("Secure Login profile", profile.Body);
        var factorId = await _idp.WithDbAsync(db => db.UserFactors.Where(f => f.SubjectId == user.Id).Select(f => f.Id).SingleAsync());
        var asked = await browser.SubmitFormAsync($"#remove-{factorId}");
        Assert.Equal("/signin/totp", asked.Url.AbsolutePath);
        Assert.Equal(1, await _idp.WithDbAsync(db => db.UserFactors.CountAsync(f => f.SubjectId == user.Id)));

        var back = await browser.SubmitFormAsync("#totp-form", new() { ["Input.Code"] = SecondFactorSteps.CodeFor(secret, _idp) });
        Assert.Equal("/profile", back.Url.AbsolutePath);
        var removed = await browser.SubmitFormAsync($"#remove-{factorId}");
        Assert.Equal("/profile", removed.Url.AbsolutePath);
        Assert.Equal(0, await _idp.WithDbAsync(db => db.UserFactors.CountAsync(f => f.SubjectId == user.Id)));
        Assert.Contains(AuditEventTypes.FactorRemoved, await _idp.WithDbAsync(db => db.AuditEvents.Where(a => a.SubjectId == user.Id).Select(a => a.Type).ToListAsync()));
    }

    [Fact]
    public async Task WrongCodes_FiveThenDelay_HundredThenLocked()
    {
        var user = await _idp.CreateUserAsync();
        var secret = await _idp.SeedTotpAsync(user);
        using var browser = _idp.CreateBrowser();
        await _rp.AuthorizeAsync(browser, user);
        var right = SecondFactorSteps.CodeFor(secret, _idp);
        var wrong = right == "000000" ? "111111" : "000000";
        for (var i = 0; i < 5; i++)
            await browser.SubmitFormAsync("#totp-form", new() { ["Input.Code"] = wrong });
        var waiting = await browser.SubmitFormAsync("#totp-form", new() { ["Input.Code"] = right });
        Assert.Equal("/signin/totp", waiting.Url.AbsolutePath);
        Assert.Contains("Try again in 30 seconds", waiting.Body);

        _idp.Clock.Advance(TimeSpan.FromSeconds(30));
        await _rp.IdTokenAsync(await browser.SubmitFormAsync("#totp-form", new() { ["Input.Code"] = SecondFactorSteps.CodeFor(secret, _idp) }));

        // 100 consecutive failures lock the authenticator (NIST SP 800-63B §5.2.2).
        await _idp.WithScopeAsync(async services =>
        {
            var totp = services.GetRequiredService<TotpAuthenticators>();
            for (var i = 0; i < FactorThrottle.LockAfter; i++)
            {
                var result = await totp.VerifyAsync(new DefaultHttpContext(), user.Id, null, "12345x", null);
                Assert.NotEqual(TotpCheck.Accepted, result.Check);
                _idp.Clock.Advance(FactorThrottle.MaxDelay);
            }
            var locked = await totp.VerifyAsync(new DefaultHttpContext(), user.Id, null, SecondFactorSteps.CodeFor(secret, _idp), null);
            Assert.Equal(TotpCheck.Locked, locked.Check);
        });
        var types = await _idp.WithDbAsync(db => db.AuditEvents.Where(a => a.SubjectId == user.Id).Select(a => a.Type).ToListAsync());
        Assert.Contains(AuditEventTypes.FactorLocked, types);
        Assert.True(types.Count(t => t == AuditEventTypes.FactorFailed) >= 100);
    }

    [Fact]
    public async Task ConcurrentUseOfOneCode_OneSuccess()
    {
        var user = await _idp.CreateUserAsync();
        var secret = await _idp.SeedTotpAsync(user);
        var code = SecondFactorSteps.CodeFor(secret, _idp);
        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => _idp.WithScopeAsync(services =>
            services.GetRequiredService<TotpAuthenticators>().VerifyAsync(new DefaultHttpContext(), user.Id, null, code, null))));
        Assert.Single(results, r => r.Check == TotpCheck.Accepted);
    }

    [Fact]
    public async Task TrustedBrowser_SkipsTheFactorAtSignIn_NotForStepUp()
    {
        await using var idp = new IdpFactory();
        idp.WithClient(TestClients.Create("portal", c => c.Secret = TestClients.Secret)).WithSetting("Idp:Mfa:TrustBrowserDays", "30").Start();
        var rp = new TestRelyingParty(idp, "portal");
        var user = await idp.CreateUserAsync();
        var secret = await idp.SeedTotpAsync(user);

        using var browser = idp.CreateBrowser();
        await rp.AuthorizeAsync(browser, user);
        await rp.IdTokenAsync(await browser.SubmitFormAsync("#totp-form", new() { ["Input.Code"] = SecondFactorSteps.CodeFor(secret, idp), ["Input.TrustBrowser"] = "true" }));
        Assert.NotNull(browser.Cookies[TrustedBrowsers.CookieName]);

        browser.Cookies.Remove(SessionService.CookieName);
        var trusted = await rp.IdTokenAsync(await rp.AuthorizeAsync(browser, user));
        Assert.Equal(["pwd"], trusted.Amr());

        var stepUp = await browser.GetAsync(rp.AuthorizeUrl(extra: ("acr_values", AuthenticationLevels.SecondFactorAcr)));
        Assert.Equal("/signin/totp", stepUp.Url.AbsolutePath);
        Assert.Null(stepUp.Document.QuerySelector("#Input_TrustBrowser"));
    }
}
