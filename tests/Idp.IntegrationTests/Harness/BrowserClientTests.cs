using System.Net;
using Idp.IntegrationTests.Infrastructure;

namespace Idp.IntegrationTests.Harness;

/// <summary>The test browser against the real pipeline, on pages that exist only for these tests.</summary>
public sealed class BrowserClientTests
{
    private static IdpFactory NewFactory() => new IdpFactory().WithServices(HarnessPages.Add);

    [Fact]
    public async Task SubmitForm_SendsHiddenAntiforgeryTokenAndCookie_AndStopsAtExternalRedirect()
    {
        await using var factory = NewFactory();
        using var browser = factory.CreateBrowser();
        var page = await browser.GetAsync("/_harness/form");

        var result = await browser.SubmitFormAsync(page, "#signin", new() { ["password"] = "secret value" });

        Assert.Equal(HttpStatusCode.Redirect, result.StatusCode);
        Assert.True(result.IsExternalRedirect);
        Assert.Equal("https://client.example/cb", result.Location!.GetLeftPart(UriPartial.Path));
        Assert.Equal(new Dictionary<string, string>
        {
            ["action"] = "approve",
            ["lang"] = "en",
            ["password"] = "secret value",
            ["terms"] = "ok",
            ["user"] = "preset",
        }, result.LocationQuery);
    }

    [Fact]
    public async Task SubmitForm_WithoutAntiforgeryCookie_IsRejected()
    {
        await using var factory = NewFactory();
        using var browser = factory.CreateBrowser();
        var page = await browser.GetAsync("/_harness/form");
        browser.Cookies.Clear();

        var result = await browser.SubmitFormAsync(page, "#signin");

        Assert.Equal(HttpStatusCode.BadRequest, result.StatusCode);
    }

    [Fact]
    public async Task SubmitForm_WithSubmitterAndRemovedField_SendsThatButtonOnly()
    {
        await using var factory = NewFactory();
        using var browser = factory.CreateBrowser();
        await browser.GetAsync("/_harness/form");

        var result = await browser.SubmitFormAsync("#signin", new() { ["user"] = null, ["remember"] = "yes" }, submitter: "button[value=deny]");

        Assert.Equal("deny", result.LocationParameter("action"));
        Assert.Equal("yes", result.LocationParameter("remember"));
        Assert.Null(result.LocationParameter("user"));
    }

    [Fact]
    public async Task Get_FollowsInternalRedirects_RecordsChain_AndStopsBeforeExternalHost()
    {
        await using var factory = NewFactory();
        using var browser = factory.CreateBrowser();

        var result = await browser.GetAsync("/_harness/redirect?hops=2&to=https%3A%2F%2Fclient.example%2Fcb%3Fcode%3Dxyz");

        Assert.Equal(2, result.Redirects.Count);
        Assert.Equal("/_harness/redirect", result.Redirects[0].From.AbsolutePath);
        Assert.Equal("1", result.Redirects[1].From.QueryParameters()["hops"]);
        Assert.Equal("0", result.Redirects[1].To.QueryParameters()["hops"]);
        Assert.True(result.IsExternalRedirect);
        Assert.Equal("xyz", result.LocationParameter("code"));
        Assert.Same(result, browser.LastResponse);
    }

    [Fact]
    public async Task Get_WithoutFollowing_ReturnsFirstRedirect_ThenFollowAsyncContinues()
    {
        await using var factory = NewFactory();
        using var browser = factory.CreateBrowser();

        var first = await browser.GetAsync("/_harness/redirect?hops=1&to=%2F_harness%2Fecho-cookie", followRedirects: false);
        var last = await browser.FollowAsync();

        Assert.True(first.IsRedirect);
        Assert.False(first.IsExternalRedirect);
        Assert.Equal("/_harness/echo-cookie", last.Url.AbsolutePath);
        Assert.Equal(2, last.Redirects.Count);
        Assert.Equal(HttpStatusCode.OK, last.StatusCode);
    }

    [Fact]
    public async Task Get_RedirectLoop_FailsWithTheChain()
    {
        await using var factory = NewFactory();
        using var browser = factory.CreateBrowser();
        browser.MaxRedirects = 3;

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => browser.GetAsync("/_harness/redirect?hops=10&to=%2F"));

        Assert.Contains("More than 3 redirects", error.Message);
    }

    [Fact]
    public async Task Cookies_SecureCookieOnLocalhost_IsKeptAndSentBack_UntilTheFakeClockExpiresIt()
    {
        await using var factory = NewFactory();
        using var browser = factory.CreateBrowser();

        await browser.GetAsync("/_harness/set-cookie?value=v1");
        var echoed = await browser.GetAsync("/_harness/echo-cookie");
        factory.Clock.Advance(TimeSpan.FromMinutes(11));
        var afterExpiry = await browser.GetAsync("/_harness/echo-cookie");

        Assert.Equal("v1", echoed.Body);
        Assert.Equal("(none)", afterExpiry.Body);
    }

    [Fact]
    public async Task FormPost_ReadsActionAndFields_WithoutPostingToTheClient()
    {
        await using var factory = NewFactory();
        using var browser = factory.CreateBrowser();
        var page = await browser.GetAsync("/_harness/form-post");

        var post = page.FormPost();

        Assert.Equal(HttpMethod.Post, post.Method);
        Assert.Equal(new Uri("https://client.example/cb"), post.Action);
        Assert.True(post.IsExternal);
        Assert.Equal("abc123", post["code"]);
        Assert.Equal("s&1", post["state"]);
        await Assert.ThrowsAsync<InvalidOperationException>(() => browser.SubmitFormAsync(page));
    }

    [Fact]
    public async Task Get_ExternalUrl_IsRefused()
    {
        await using var factory = NewFactory();
        using var browser = factory.CreateBrowser();

        await Assert.ThrowsAsync<InvalidOperationException>(() => browser.GetAsync("https://client.example/cb"));
    }
}
