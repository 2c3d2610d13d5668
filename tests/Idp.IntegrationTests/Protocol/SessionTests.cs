using System.Collections.Concurrent;
using System.Net;
using Idp.IntegrationTests.Infrastructure;
using Idp.Protocol.EndSession;

namespace Idp.IntegrationTests.Protocol;

/// <summary>RP-Initiated Logout 1.0, Back-Channel Logout 1.0, consent for third-party clients.</summary>
public sealed class SessionTests : IAsyncLifetime
{
    private readonly IdpFactory _idp = new();
    private readonly RecordingHandler _backChannel = new();
    private TestRelyingParty _rp = null!;
    private TestRelyingParty _thirdParty = null!;

    public Task InitializeAsync()
    {
        _idp.WithClient(TestClients.Create("portal", c => { c.Secret = TestClients.Secret; c.BackChannelLogoutUri = TestClients.BackChannelLogoutUri; }))
            .WithClient(TestClients.Create("app", c => { c.Secret = TestClients.Secret; c.ThirdParty = true; }))
            .WithServices(services => services.AddHttpClient(BackChannelLogout.HttpClientName).ConfigurePrimaryHttpMessageHandler(() => _backChannel))
            .Start();
        _rp = new TestRelyingParty(_idp, "portal");
        _thirdParty = new TestRelyingParty(_idp, "app");
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _idp.DisposeAsync();

    [Fact]
    public async Task EndSession_WithHintAndRegisteredUri_SignsOutNotifiesBackChannelAndRedirectsWithState()
    {
        var user = await _idp.CreateUserAsync();
        using var browser = _idp.CreateBrowser();
        var (_, tokens) = await _rp.RedeemAsync(_rp.CodeFrom(await _rp.AuthorizeAsync(browser, user)));
        var idToken = tokens.GetProperty("id_token").GetString()!;
        var sid = (await _rp.ValidateAsync(idToken)).GetClaim("sid").Value;

        var response = await browser.GetAsync($"/connect/endsession?id_token_hint={idToken}&post_logout_redirect_uri={Uri.EscapeDataString(TestClients.PostLogoutRedirectUri)}&state=bye", followRedirects: false);
        Assert.Equal(TestClients.PostLogoutRedirectUri + "?state=bye", response.Location!.ToString());

        var afterwards = await browser.GetAsync(_rp.AuthorizeUrl(extra: ("prompt", "none")), followRedirects: false);
        Assert.Equal("login_required", afterwards.LocationQuery["error"]);

        var sent = Assert.Single(await _backChannel.WaitForAsync(1));
        Assert.Equal(TestClients.BackChannelLogoutUri, sent.Uri);
        var logoutToken = await _rp.ValidateAsync(sent.Form["logout_token"], type: "logout+jwt");
        Assert.Equal(user.Id, logoutToken.Subject);
        Assert.Equal(sid, logoutToken.GetClaim("sid").Value);
        Assert.True(logoutToken.TryGetPayloadValue<object>("events", out _));
        Assert.False(logoutToken.TryGetPayloadValue<string>("nonce", out _));
    }

    [Fact]
    public async Task EndSession_UnregisteredPostLogoutUri_ShowsErrorAndKeepsSession()
    {
        var user = await _idp.CreateUserAsync();
        using var browser = _idp.CreateBrowser();
        var (_, tokens) = await _rp.RedeemAsync(_rp.CodeFrom(await _rp.AuthorizeAsync(browser, user)));
        var response = await browser.GetAsync($"/connect/endsession?id_token_hint={tokens.GetProperty("id_token").GetString()}&post_logout_redirect_uri={Uri.EscapeDataString("https://evil.example/")}", followRedirects: false);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(response.Location);
        _rp.CodeFrom(await browser.GetAsync(_rp.AuthorizeUrl(extra: ("prompt", "none")), followRedirects: false));
    }

    [Fact]
    public async Task EndSession_WithoutHint_AsksTheUserToConfirm()
    {
        var user = await _idp.CreateUserAsync();
        using var browser = _idp.CreateBrowser();
        _rp.CodeFrom(await _rp.AuthorizeAsync(browser, user));

        var page = await browser.GetAsync($"/connect/endsession?client_id=portal&post_logout_redirect_uri={Uri.EscapeDataString(TestClients.PostLogoutRedirectUri)}&state=s");
        Assert.Equal("/signout", page.Url.AbsolutePath);
        _rp.CodeFrom(await browser.GetAsync(_rp.AuthorizeUrl(extra: ("prompt", "none")), followRedirects: false));

        var confirmed = await browser.SubmitFormAsync(page, "main form", followRedirects: false);
        Assert.Equal(TestClients.PostLogoutRedirectUri + "?state=s", confirmed.Location!.ToString());
        var afterwards = await browser.GetAsync(_rp.AuthorizeUrl(extra: ("prompt", "none")), followRedirects: false);
        Assert.Equal("login_required", afterwards.LocationQuery["error"]);
        Assert.Single(await _backChannel.WaitForAsync(1));
    }

    [Fact]
    public async Task EndSession_ForgedHint_ShowsError()
    {
        using var browser = _idp.CreateBrowser();
        var response = await browser.GetAsync("/connect/endsession?id_token_hint=eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.", followRedirects: false);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Consent_ThirdPartyClient_AskedOnce_WhenRemembered()
    {
        var user = await _idp.CreateUserAsync();
        using var browser = _idp.CreateBrowser();
        var consent = await _thirdParty.AuthorizeAsync(browser, user, _thirdParty.AuthorizeUrl(scope: "openid email"));
        Assert.Equal("/consent", consent.Url.AbsolutePath);
        Assert.Contains("Test portal app", consent.Body);
        var granted = await browser.SubmitFormAsync(consent, "main form", new() { ["Remember"] = "true" }, submitter: "button[formaction*='Allow']");
        _thirdParty.CodeFrom(granted);

        var again = await browser.GetAsync(_thirdParty.AuthorizeUrl(scope: "openid email"), followRedirects: false);
        _thirdParty.CodeFrom(again);

        var wider = await browser.GetAsync(_thirdParty.AuthorizeUrl(scope: "openid email profile"));
        Assert.Equal("/consent", wider.Url.AbsolutePath);
    }

    [Fact]
    public async Task Consent_Denied_AnswersAccessDenied()
    {
        var user = await _idp.CreateUserAsync();
        using var browser = _idp.CreateBrowser();
        var consent = await _thirdParty.AuthorizeAsync(browser, user);
        var denied = await browser.SubmitFormAsync(consent, "main form", submitter: "button[formaction*='Deny']");
        Assert.Equal("access_denied", denied.LocationQuery["error"]);
        Assert.Equal("state-1", denied.LocationQuery["state"]);
    }

    [Fact]
    public async Task Consent_PromptNoneWithoutConsent_AnswersConsentRequired()
    {
        var user = await _idp.CreateUserAsync();
        using var browser = _idp.CreateBrowser();
        _rp.CodeFrom(await _rp.AuthorizeAsync(browser, user));
        var response = await browser.GetAsync(_thirdParty.AuthorizeUrl(extra: ("prompt", "none")), followRedirects: false);
        Assert.Equal("consent_required", response.LocationQuery["error"]);
    }

    [Fact]
    public async Task FirstPartyPortal_NeverAsksConsent()
    {
        var user = await _idp.CreateUserAsync();
        using var browser = _idp.CreateBrowser();
        _rp.CodeFrom(await _rp.AuthorizeAsync(browser, user));
    }

    public sealed record SentRequest(string Uri, Dictionary<string, string> Form);

    public sealed class RecordingHandler : HttpMessageHandler
    {
        public ConcurrentQueue<SentRequest> Requests { get; } = new();

        /// <summary>The status the portal answers with (a 503 while it is "down").</summary>
        public HttpStatusCode Status { get; set; } = HttpStatusCode.OK;

        /// <summary>Waits (the outbox sends in the background) for <paramref name="count"/> requests, then a moment for any extra.</summary>
        public async Task<List<SentRequest>> WaitForAsync(int count)
        {
            var deadline = DateTime.UtcNow.AddSeconds(15);
            while (Requests.Count < count && DateTime.UtcNow < deadline)
                await Task.Delay(20);
            await Task.Delay(300);
            return [.. Requests];
        }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var body = await request.Content!.ReadAsStringAsync(cancellationToken);
            var form = body.Split('&').Select(p => p.Split('=')).ToDictionary(p => p[0], p => Uri.UnescapeDataString(p[1].Replace('+', ' ')));
            Requests.Enqueue(new SentRequest(request.RequestUri!.ToString(), form));
            return new HttpResponseMessage(Status);
        }
    }
}
