using System.Net;
using Idp.IntegrationTests.Infrastructure;

namespace Idp.IntegrationTests.Protocol;

/// <summary>Several nodes on one database behave as one: sessions, parked requests, codes and keys are shared.</summary>
public sealed class TwoNodeTests
{
    [Fact]
    public async Task SignInStartedOnA_FinishesOnB_CodeFromBRedeemedAtA()
    {
        await using var cluster = new IdpCluster(2);
        cluster.Configure(node => node.WithClient(TestClients.Create("portal", c => c.Secret = TestClients.Secret))).Start();
        var user = await cluster.NodeA.CreateUserAsync();
        var atA = new TestRelyingParty(cluster.NodeA, "portal");
        var atB = new TestRelyingParty(cluster.NodeB, "portal");

        using var browser = cluster.CreateBrowser();
        browser.UseNode(cluster.NodeA);
        var signIn = await browser.GetAsync(atA.AuthorizeUrl());
        Assert.Equal("/signin", signIn.Url.AbsolutePath);

        // The load balancer sends the form post to node B: antiforgery, the parked request and the session cookie must all work there.
        browser.UseNode(cluster.NodeB);
        var code = atB.CodeFrom(await TestRelyingParty.SignInAsync(browser, signIn, user));

        // A verifier made for the request at A redeems at A a code B issued; the ID token validates against either node's JWKS.
        var (response, tokens) = await new TestRelyingParty(cluster.NodeA, "portal").RedeemAsync(code, verifier: atA.Verifier);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await atB.ValidateAsync(tokens.GetProperty("id_token").GetString()!);

        // The session made on B is known on A.
        browser.UseNode(cluster.NodeA);
        atA.CodeFrom(await browser.GetAsync(atA.AuthorizeUrl(extra: ("prompt", "none")), followRedirects: false));

        // A refresh token from A's redemption works at B.
        var (refreshed, _) = await atB.RefreshAsync(tokens.GetProperty("refresh_token").GetString()!);
        Assert.Equal(HttpStatusCode.OK, refreshed.StatusCode);
    }
}
