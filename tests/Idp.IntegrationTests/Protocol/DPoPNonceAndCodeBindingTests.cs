using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Idp.Data.Entities;
using Idp.IntegrationTests.Infrastructure;
using Idp.Testing;
using Microsoft.EntityFrameworkCore;

namespace Idp.IntegrationTests.Protocol;

/// <summary>Server nonces (RFC 9449 §8): asked for with <c>use_dpop_nonce</c> and a <c>DPoP-Nonce</c> header, accepted on every node.</summary>
public sealed class DPoPNonceTests
{
    private const string TokenUrl = IdpFactory.Issuer + "/connect/token";

    [Fact]
    public async Task Token_WithoutNonce_WhenRequired_AnswersUseDPoPNonce_ThenAcceptsTheNonceOnAnotherNode()
    {
        await using var cluster = new IdpCluster().Configure(n => n.WithClient("portal").WithSetting("Idp:DPoP:RequireNonce", "true"));
        using var key = TestDPoPKey.Ec();
        var rp = new TestRelyingParty(cluster.NodeA, "portal", secret: null);
        var user = await cluster.NodeA.CreateUserAsync();
        using var browser = cluster.CreateBrowser();
        var code = rp.CodeFrom(await rp.AuthorizeAsync(browser, user));
        var form = new Dictionary<string, string> { ["client_id"] = "portal", ["grant_type"] = "authorization_code", ["code"] = code, ["code_verifier"] = rp.Verifier, ["redirect_uri"] = rp.RedirectUri };

        var first = await PostAsync(cluster.NodeA, form, key.Proof("POST", TokenUrl, cluster.NodeA.Clock.GetUtcNow()));
        Assert.Equal(HttpStatusCode.BadRequest, first.StatusCode);
        Assert.Contains("use_dpop_nonce", await first.Content.ReadAsStringAsync());
        var nonce = Assert.Single(first.Headers.GetValues("DPoP-Nonce"));

        var second = await PostAsync(cluster.NodeB, form, key.Proof("POST", TokenUrl, cluster.NodeB.Clock.GetUtcNow(), nonce: nonce));
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.True(second.Headers.Contains("DPoP-Nonce"));
    }

    private static async Task<HttpResponseMessage> PostAsync(IdpFactory node, Dictionary<string, string> form, string proof)
    {
        using var http = node.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/connect/token") { Content = new FormUrlEncodedContent(form) };
        request.Headers.Add("DPoP", proof);
        return await http.SendAsync(request);
    }
}

/// <summary>RFC 9449 §10: <c>dpop_jkt</c> binds the authorization code to a key.</summary>
public sealed class DPoPAuthorizationCodeBindingTests
{
    private const string TokenUrl = IdpFactory.Issuer + "/connect/token";

    [Fact]
    public async Task Code_WithDpopJkt_IsRedeemedOnlyWithThatKey()
    {
        await using var idp = new IdpFactory().WithClient("portal");
        using var key = TestDPoPKey.Ec();
        using var other = TestDPoPKey.Ec();
        var rp = new TestRelyingParty(idp, "portal", secret: null);
        var user = await idp.CreateUserAsync();
        using var browser = idp.CreateBrowser();
        var code = rp.CodeFrom(await rp.AuthorizeAsync(browser, user, rp.AuthorizeUrl(extra: ("dpop_jkt", key.Thumbprint()))));
        var form = new Dictionary<string, string> { ["client_id"] = "portal", ["grant_type"] = "authorization_code", ["code"] = code, ["code_verifier"] = rp.Verifier, ["redirect_uri"] = rp.RedirectUri };

        var withOther = await PostAsync(idp, form, other.Proof("POST", TokenUrl, idp.Clock.GetUtcNow()));
        var withoutProof = await PostAsync(idp, form, null);
        var withKey = await PostAsync(idp, form, key.Proof("POST", TokenUrl, idp.Clock.GetUtcNow()));

        Assert.Equal(HttpStatusCode.BadRequest, withOther.StatusCode);
        Assert.Contains("invalid_grant", await withOther.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.BadRequest, withoutProof.StatusCode);
        Assert.Equal(HttpStatusCode.OK, withKey.StatusCode);
    }

    [Fact]
    public async Task Authorize_MalformedDpopJkt_IsInvalidRequest()
    {
        await using var idp = new IdpFactory().WithClient("portal");
        var rp = new TestRelyingParty(idp, "portal", secret: null);
        using var browser = idp.CreateBrowser();

        var response = await browser.GetAsync(rp.AuthorizeUrl(extra: ("dpop_jkt", "not-a-thumbprint")));

        Assert.True(response.IsExternalRedirect);
        Assert.Equal("invalid_request", response.LocationQuery["error"]);
    }

    private static async Task<HttpResponseMessage> PostAsync(IdpFactory node, Dictionary<string, string> form, string? proof)
    {
        using var http = node.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/connect/token") { Content = new FormUrlEncodedContent(form) };
        if (proof is not null)
            request.Headers.Add("DPoP", proof);
        return await http.SendAsync(request);
    }
}
