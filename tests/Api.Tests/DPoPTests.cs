using System.Net;
using System.Net.Http.Headers;
using Idp.Testing;

namespace Api.Tests;

/// <summary>RFC 9449 §7.1, §7.2: a DPoP-bound access token is accepted only with a proof by its key for this request.</summary>
public sealed class DPoPTests : IDisposable
{
    private const string ProfileUrl = "http://localhost/api/profile";
    private readonly TestAuthority idp = new();
    private readonly FakeTimeProvider clock = new(DateTimeOffset.UtcNow);
    private readonly TestDPoPKey key = TestDPoPKey.Ec();
    private readonly TestDPoPKey otherKey = TestDPoPKey.Ec();
    private readonly ApiFactory api;
    private readonly HttpClient client;

    public DPoPTests()
    {
        api = new ApiFactory(idp, clock);
        client = api.CreateClient();
    }

    public void Dispose()
    {
        client.Dispose();
        api.Dispose();
        key.Dispose();
        otherKey.Dispose();
    }

    private DateTimeOffset Now => clock.GetUtcNow();

    private string BoundToken() => idp.AccessToken(Now, claims => claims["cnf"] = new Dictionary<string, object> { ["jkt"] = key.Thumbprint() });

    private async Task<HttpResponseMessage> Get(string scheme, string token, string? proof)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/profile");
        request.Headers.Authorization = new AuthenticationHeaderValue(scheme, token);
        if (proof is not null)
            request.Headers.Add("DPoP", proof);
        return await client.SendAsync(request);
    }

    [Fact]
    public async Task Profile_BoundTokenWithProof_IsAccepted()
    {
        var token = BoundToken();

        var response = await Get("DPoP", token, key.Proof("GET", ProfileUrl, Now, accessToken: token));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Profile_BoundTokenAsBearer_IsRefused()
    {
        var response = await Get("Bearer", BoundToken(), null);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.StartsWith("DPoP ", response.Headers.WwwAuthenticate.ToString());
    }

    [Fact]
    public async Task Profile_BadProofs_AreInvalidDPoPProof()
    {
        var token = BoundToken();
        string?[] proofs =
        [
            null,
            otherKey.Proof("GET", ProfileUrl, Now, accessToken: token),
            key.Proof("GET", ProfileUrl, Now, accessToken: "another-token"),
            key.Proof("POST", ProfileUrl, Now, accessToken: token),
            key.Proof("GET", "http://localhost/api/bank-details", Now, accessToken: token),
            key.Proof("GET", ProfileUrl, Now - TimeSpan.FromMinutes(5), accessToken: token),
        ];

        foreach (var proof in proofs)
        {
            var response = await Get("DPoP", token, proof);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Contains("invalid_dpop_proof", response.Headers.WwwAuthenticate.ToString());
        }
    }

    [Fact]
    public async Task Profile_ReplayedProof_IsRefused()
    {
        var token = BoundToken();
        var proof = key.Proof("GET", ProfileUrl, Now, accessToken: token);
        Assert.Equal(HttpStatusCode.OK, (await Get("DPoP", token, proof)).StatusCode);

        var replay = await Get("DPoP", token, proof);

        Assert.Equal(HttpStatusCode.Unauthorized, replay.StatusCode);
    }

    [Fact]
    public async Task Profile_UnboundTokenWithDPoPScheme_IsRefused_ButBearerStillWorks()
    {
        var token = idp.AccessToken(Now);

        Assert.Equal(HttpStatusCode.Unauthorized, (await Get("DPoP", token, key.Proof("GET", ProfileUrl, Now, accessToken: token))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Get("Bearer", token, null)).StatusCode);
    }
}
