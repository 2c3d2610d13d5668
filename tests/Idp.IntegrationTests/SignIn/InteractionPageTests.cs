using System.Net;
using Idp.Authentication;
using Idp.IntegrationTests.Infrastructure;

namespace Idp.IntegrationTests.SignIn;

/// <summary>The pages' side of the UI contract with the protocol engine, against a fake engine.</summary>
public sealed class InteractionPageTests
{
    private static (IdpFactory Factory, FakeInteraction Engine) NewFactory()
    {
        var engine = new FakeInteraction();
        return (new IdpFactory().WithServices(engine.Register), engine);
    }

    [Fact]
    public async Task SignIn_ForAPortal_ShowsItsName_PrefillsLoginHint_AndResumesTheRequest()
    {
        var (factory, engine) = NewFactory();
        await using var _ = factory;
        var user = await factory.CreateUserAsync();
        var request = engine.Park("Bürgerportal", loginHint: user.AccountNumber);
        using var browser = factory.CreateBrowser();

        var page = await browser.GetAsync($"/signin?request_id={request.RequestId}");
        Assert.Contains("Bürgerportal", page.Text(".lead"));
        Assert.Equal(user.AccountNumber, page.Document.QuerySelector("#Input_Login")!.GetAttribute("value"));

        var result = await browser.SubmitFormAsync("#signin-form", new() { ["Input.Password"] = TestUsers.Password }, followRedirects: false);

        Assert.Equal(FakeInteraction.ResumePath, result.Location!.AbsolutePath);
        Assert.Equal(request.RequestId, result.LocationParameter("request_id"));
    }

    [Fact]
    public async Task SignIn_WithUnknownRequestId_SaysSo_AndGoesHome()
    {
        var (factory, _) = NewFactory();
        await using var __ = factory;
        var user = await factory.CreateUserAsync();
        using var browser = factory.CreateBrowser();

        var page = await browser.GetAsync("/signin?request_id=expired");
        Assert.Contains("expired or is unknown", page.Notice());
        var result = await browser.SubmitFormAsync("#signin-form", new() { ["Input.Login"] = user.AccountNumber, ["Input.Password"] = TestUsers.Password }, followRedirects: false);

        Assert.Equal("/", result.Location!.AbsolutePath);
    }

    [Fact]
    public async Task Consent_WithoutSession_SendsToSignIn()
    {
        var (factory, engine) = NewFactory();
        await using var _ = factory;
        var request = engine.Park(thirdParty: true);
        using var browser = factory.CreateBrowser();

        var response = await browser.GetAsync($"/consent?request_id={request.RequestId}", followRedirects: false);

        Assert.Equal("/signin", response.Location!.AbsolutePath);
        Assert.Equal(request.RequestId, response.LocationParameter("request_id"));
    }

    [Fact]
    public async Task Consent_Allow_GrantsRequestedScopes_Remembered_AndResumes()
    {
        var (factory, engine) = NewFactory();
        await using var _ = factory;
        var user = await factory.CreateUserAsync();
        var request = engine.Park("Drittanbieter-App", thirdParty: true, scopes: ["openid", "email", "offline_access"]);
        using var browser = factory.CreateBrowser();
        await browser.SignInAsync(user.AccountNumber, TestUsers.Password);

        var page = await browser.GetAsync($"/consent?request_id={request.RequestId}");
        Assert.Contains("Drittanbieter-App", page.Text(".lead"));
        Assert.Contains("Your e-mail address", page.Text(".scopes"));
        var result = await browser.SubmitFormAsync("#consent-form", new() { ["Remember"] = "true" }, submitter: "button[formaction*=Allow]", followRedirects: false);

        Assert.Equal(FakeInteraction.ResumePath, result.Location!.AbsolutePath);
        var grant = Assert.Single(engine.Grants);
        Assert.Equal(user.Id, grant.SubjectId);
        Assert.True(grant.Remember);
        Assert.Equal(["openid", "email", "offline_access"], grant.Scopes);
        Assert.Empty(engine.Denials);
    }

    [Fact]
    public async Task Consent_Deny_TellsTheEngine_AndResumes()
    {
        var (factory, engine) = NewFactory();
        await using var _ = factory;
        var user = await factory.CreateUserAsync();
        var request = engine.Park(thirdParty: true);
        using var browser = factory.CreateBrowser();
        await browser.SignInAsync(user.AccountNumber, TestUsers.Password);
        await browser.GetAsync($"/consent?request_id={request.RequestId}");

        var result = await browser.SubmitFormAsync("#consent-form", submitter: "button[formaction*=Deny]", followRedirects: false);

        Assert.Equal(FakeInteraction.ResumePath, result.Location!.AbsolutePath);
        Assert.Equal(request.RequestId, Assert.Single(engine.Denials));
        Assert.Empty(engine.Grants);
    }

    [Fact]
    public async Task SignOut_FromAPortal_AsksFirst_ThenSignsOutAndReturnsToThePortal()
    {
        var (factory, engine) = NewFactory();
        await using var _ = factory;
        var user = await factory.CreateUserAsync();
        engine.Logouts["logout-1"] = new LogoutContext("Bürgerportal", TestClients.PostLogoutRedirectUri + "?state=s1");
        using var browser = factory.CreateBrowser();
        await browser.SignInAsync(user.AccountNumber, TestUsers.Password);

        var question = await browser.GetAsync("/signout?logout_id=logout-1");
        Assert.Contains("Bürgerportal", question.Text(".lead"));
        Assert.Equal(0, engine.SignOuts); // a GET never signs out

        var result = await browser.SubmitFormAsync("#signout-form", followRedirects: false);

        Assert.Equal(1, engine.SignOuts);
        Assert.Equal(TestClients.PostLogoutRedirectUri + "?state=s1", result.Location!.ToString());
        Assert.Contains("not signed in", (await browser.GetAsync("/")).Text(".lead"));
    }

    [Fact]
    public async Task SignOut_WithoutPortal_ShowsSignedOut()
    {
        var (factory, engine) = NewFactory();
        await using var _ = factory;
        var user = await factory.CreateUserAsync();
        using var browser = factory.CreateBrowser();
        await browser.SignInAsync(user.AccountNumber, TestUsers.Password);
        await browser.GetAsync("/");

        var result = await browser.SubmitFormAsync("#signout-form");

        Assert.Equal(HttpStatusCode.OK, result.StatusCode);
        Assert.Equal("You are signed out.", result.Notice());
        Assert.Equal(1, engine.SignOuts);
    }
}
