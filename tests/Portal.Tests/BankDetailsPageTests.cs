using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Portal.Authentication;
using Portal.BankDetails;

namespace Portal.Tests;

/// <summary>"Change bank details": the page's own step-up, the reaction to the API's RFC 9470 challenge, and no loops.</summary>
public sealed partial class BankDetailsPageTests : IDisposable
{
    private readonly TestIdp idp = new();
    private readonly StubTokenEndpoint tokenEndpoint;
    private readonly StubApi api = new();
    private readonly WebApplicationFactory<Program> factory;
    private readonly HttpClient browser;

    public BankDetailsPageTests()
    {
        tokenEndpoint = new StubTokenEndpoint(idp);
        factory = new WebApplicationFactory<Program>().WithWebHostBuilder(host => host.ConfigureTestServices(services =>
        {
            services.AddSingleton<IConfigurationManager<OpenIdConnectConfiguration>>(
                new StaticConfigurationManager<OpenIdConnectConfiguration>(idp.Configuration));
            services.Configure<OpenIdConnectOptions>(PortalAuthenticationDefaults.IdpScheme, oidc => oidc.BackchannelHttpHandler = tokenEndpoint);
            services.AddHttpClient<BankDetailsClient>().ConfigurePrimaryHttpMessageHandler(() => api);
        }));
        browser = factory.CreateClient(new WebApplicationFactoryClientOptions
        {
            AllowAutoRedirect = false,
            BaseAddress = new Uri("http://localhost:5100"),
        });
    }

    public void Dispose()
    {
        browser.Dispose();
        factory.Dispose();
    }

    [Fact]
    public async Task BankDetails_SignedOut_SignsInAskingForSecondFactorAndMaxAge()
    {
        var query = QueryHelpers.ParseQuery((await Challenged("/bank-details")).Query);

        Assert.Equal("urn:idp:acr:mfa", query["acr_values"]);
        Assert.Equal("300", query["max_age"]);
        Assert.Empty(api.Requests);
    }

    [Fact]
    public async Task SignIn_PlainSignIn_SendsNoAcrValuesOrMaxAge()
    {
        var query = QueryHelpers.ParseQuery((await Challenged("/signin?returnUrl=%2Fclaims")).Query);

        Assert.False(query.ContainsKey("acr_values"));
        Assert.False(query.ContainsKey("max_age"));
    }

    [Fact]
    public async Task BankDetails_PasswordOnlySession_StepsUpBeforeCallingTheApi()
    {
        await SignIn("/signin?returnUrl=%2Fclaims", PasswordOnly);

        var query = QueryHelpers.ParseQuery((await Challenged("/bank-details")).Query);

        Assert.Equal("urn:idp:acr:mfa", query["acr_values"]);
        Assert.Equal("300", query["max_age"]);
        Assert.Empty(api.Requests);
    }

    [Fact]
    public async Task BankDetails_StaleSecondFactorSession_StepsUpForFreshness()
    {
        await SignIn("/signin?returnUrl=%2Fclaims", claims => claims["auth_time"] = DateTimeOffset.UtcNow.AddMinutes(-6).ToUnixTimeSeconds());

        var query = QueryHelpers.ParseQuery((await Challenged("/bank-details")).Query);

        Assert.Equal("300", query["max_age"]);
    }

    [Fact]
    public async Task BankDetails_RecentSecondFactor_ShowsDetailsAndHowTheUserSignedIn()
    {
        await SignIn("/signin?returnUrl=%2Fclaims");

        var response = await browser.GetAsync("/bank-details");
        var page = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("DE89370400440532013000", page);
        Assert.Contains("urn:idp:acr:mfa", page);
        Assert.Contains("pwd, otp", page);
        Assert.Contains("seconds ago", page);
        var call = Assert.Single(api.Requests);
        Assert.Equal("/api/bank-details", call.Path);
        Assert.Equal("Bearer " + StubTokenEndpoint.AccessToken, call.Authorization);
    }

    [Fact]
    public async Task BankDetails_ApiAnswersInsufficientUserAuthentication_StepsUpWithTheHeadersValues()
    {
        await SignIn("/signin?returnUrl=%2Fclaims");
        api.Respond = () => StubApi.InsufficientUserAuthentication("acr_values=\"urn:idp:acr:phr\", max_age=\"60\"");

        var query = QueryHelpers.ParseQuery((await Challenged("/bank-details")).Query);

        Assert.Equal("urn:idp:acr:phr", query["acr_values"]);
        Assert.Equal("60", query["max_age"]);
    }

    [Fact]
    public async Task BankDetails_ApiAsksOnlyForMaxAge_KeepsThePagesAcr()
    {
        await SignIn("/signin?returnUrl=%2Fclaims");
        api.Respond = () => StubApi.InsufficientUserAuthentication("max_age=\"120\"");

        var query = QueryHelpers.ParseQuery((await Challenged("/bank-details")).Query);

        Assert.Equal("urn:idp:acr:mfa", query["acr_values"]);
        Assert.Equal("120", query["max_age"]);
    }

    [Fact]
    public async Task BankDetails_StepUpAnsweredAtPasswordLevel_ExplainsInsteadOfLooping()
    {
        var callback = await SignIn("/bank-details", PasswordOnly);
        Assert.Equal("/bank-details", callback.Headers.Location?.OriginalString);

        var response = await browser.GetAsync("/bank-details");
        var page = await response.Content.ReadAsStringAsync();

        Assert.Null(response.Headers.Location);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("Your sign-in could not reach the required level: Idp signed you in at level urn:idp:acr:pwd", page);
        Assert.Contains("urn:idp:acr:pwd", page);
        Assert.Empty(api.Requests);
    }

    [Fact]
    public async Task BankDetails_ApiStillRefusesAfterStepUp_ExplainsInsteadOfLooping()
    {
        await SignIn("/bank-details");
        api.Respond = () => StubApi.InsufficientUserAuthentication("acr_values=\"urn:idp:acr:mfa\"");

        var response = await browser.GetAsync("/bank-details");

        Assert.Null(response.Headers.Location);
        Assert.Contains("Your sign-in could not reach the required level", await response.Content.ReadAsStringAsync());
        Assert.Single(api.Requests);
    }

    [Fact]
    public async Task BankDetails_TryAgainAfterUnreachableStepUp_AsksIdpOnceMore()
    {
        await SignIn("/bank-details", PasswordOnly);
        var page = await (await browser.GetAsync("/bank-details")).Content.ReadAsStringAsync();

        var retry = await browser.PostAsync("/bank-details?handler=StepUp", Form(page));

        Assert.Equal(HttpStatusCode.Redirect, retry.StatusCode);
        Assert.Equal("urn:idp:acr:mfa", QueryHelpers.ParseQuery(retry.Headers.Location!.Query)["acr_values"]);
    }

    [Fact]
    public async Task BankDetails_Save_PutsTheFormToTheApi()
    {
        await SignIn("/signin?returnUrl=%2Fclaims");
        var page = await browser.GetStringAsync("/bank-details");
        api.Respond = () => StubApi.Json(HttpStatusCode.OK,
            """{"accountHolder":"Erika Mustermann","iban":"GB82WEST12345698765432","updatedAt":"2026-11-22T10:00:00+00:00"}""");

        var saved = await browser.PostAsync("/bank-details", Form(page, ("AccountHolder", "Erika Mustermann"), ("Iban", "GB82 WEST 1234 5698 7654 32")));

        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        Assert.Contains("Your bank details have been saved.", await saved.Content.ReadAsStringAsync());
        var put = api.Requests[^1];
        Assert.Equal(HttpMethod.Put, put.Method);
        Assert.Contains("GB82 WEST 1234 5698 7654 32", put.Body);
    }

    [Fact]
    public async Task BankDetails_ApiRejectsIban_ShowsItsMessage()
    {
        await SignIn("/signin?returnUrl=%2Fclaims");
        var page = await browser.GetStringAsync("/bank-details");
        api.Respond = () => StubApi.Json(HttpStatusCode.BadRequest,
            """{"title":"One or more validation errors occurred.","status":400,"errors":{"iban":["Enter a valid IBAN."]}}""",
            "application/problem+json");

        var response = await browser.PostAsync("/bank-details", Form(page, ("AccountHolder", "Erika"), ("Iban", "GB83")));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("Enter a valid IBAN.", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task BankDetails_ApiUnreachable_SaysSo()
    {
        await SignIn("/signin?returnUrl=%2Fclaims");
        api.Respond = () => throw new HttpRequestException("connection refused");

        var response = await browser.GetAsync("/bank-details");

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Contains("is not reachable", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Callback_UnmetAuthenticationRequirements_ShowsStepUpMessage()
    {
        var state = QueryHelpers.ParseQuery((await Challenged("/bank-details")).Query)["state"];

        var callback = await browser.GetAsync(
            $"/signin-idp?error=unmet_authentication_requirements&state={Uri.EscapeDataString(state!)}&iss={Uri.EscapeDataString(TestIdp.Issuer)}");
        var page = await (await browser.GetAsync(callback.Headers.Location!.OriginalString)).Content.ReadAsStringAsync();

        Assert.Equal("/error?reason=step_up_unmet", callback.Headers.Location?.OriginalString);
        Assert.Contains("could not reach the required level", page);
    }

    private static void PasswordOnly(Dictionary<string, object> claims)
    {
        claims["acr"] = "urn:idp:acr:pwd";
        claims["amr"] = new[] { "pwd" };
    }

    private async Task<Uri> Challenged(string path)
    {
        var response = await browser.GetAsync(path);
        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        var location = response.Headers.Location!;
        Assert.Equal("http://localhost:5000/connect/authorize", location.GetLeftPart(UriPartial.Path));
        return location;
    }

    /// <summary>Starts at <paramref name="path"/>, lets the stand-in Idp answer with an ID token altered by <paramref name="idToken"/>.</summary>
    private async Task<HttpResponseMessage> SignIn(string path, Action<Dictionary<string, object>>? idToken = null)
    {
        var query = QueryHelpers.ParseQuery((await Challenged(path)).Query);
        tokenEndpoint.CodeChallenge = query["code_challenge"];
        tokenEndpoint.Nonce = query["nonce"];
        tokenEndpoint.ChangeIdToken = idToken;
        var callback = await browser.GetAsync(
            $"/signin-idp?code=stub-code&state={Uri.EscapeDataString(query["state"]!)}&iss={Uri.EscapeDataString(TestIdp.Issuer)}");
        Assert.Equal(HttpStatusCode.Found, callback.StatusCode);
        Assert.Empty(tokenEndpoint.Problems);
        return callback;
    }

    private static FormUrlEncodedContent Form(string page, params (string Name, string Value)[] fields)
    {
        var values = new Dictionary<string, string> { ["__RequestVerificationToken"] = AntiforgeryField().Match(page).Groups[1].Value };
        foreach (var (name, value) in fields)
            values[name] = value;
        return new FormUrlEncodedContent(values);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}
