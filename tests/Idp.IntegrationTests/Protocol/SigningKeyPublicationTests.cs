using System.Net.Http.Headers;
using System.Text.Json;
using Idp.Configuration;
using Idp.IntegrationTests.Infrastructure;
using Idp.Protocol.Keys;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Idp.IntegrationTests.Protocol;

/// <summary>
/// A rotated key is in every node's JWKS within <c>Idp:SigningKeys:RefreshInterval</c>, and signs only after it has
/// been published for longer than a relying party may cache the JWKS.
/// </summary>
public sealed class SigningKeyPublicationTests
{
    private static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task RotateNow_NewKeyInJwks_OnBothNodes_WithinRefreshInterval()
    {
        await using var cluster = new IdpCluster()
            .Configure(node => node.WithSetting("Idp:SigningKeys:RefreshInterval", RefreshInterval.ToString("c")))
            .Start();
        // Both nodes have loaded (and cached) their key sets.
        var beforeA = await JwksKeyIdsAsync(cluster.NodeA);
        Assert.Equal(beforeA, await JwksKeyIdsAsync(cluster.NodeB));

        // Node A rotates: its own JWKS lists the key at once.
        var onA = await cluster.NodeA.WithScopeAsync(s => s.GetRequiredService<SigningKeyManager>().RotateNowAsync(SigningAlgorithms.RS256));
        Assert.Contains(onA.KeyId, await JwksKeyIdsAsync(cluster.NodeA));

        // The admin area (another process on the same database, with its own cache) rotates ES256: no node is told.
        var byAdmin = await cluster.NodeA.WithScopeAsync(s =>
            ActivatorUtilities.CreateInstance<SigningKeyManager>(s, ActivatorUtilities.CreateInstance<SigningKeyStore>(s))
                .RotateNowAsync(SigningAlgorithms.ES256));
        Assert.Equal(cluster.Clock.GetUtcNow() + RefreshInterval, byAdmin.PublishedEverywhereAt);

        cluster.Clock.Advance(RefreshInterval);

        foreach (var node in cluster.Nodes)
        {
            var published = await JwksKeyIdsAsync(node);
            Assert.Contains(onA.KeyId, published);
            Assert.Contains(byAdmin.KeyId, published);
            Assert.True(beforeA.All(published.Contains), $"node {node.NodeName} dropped a key still in use");
        }
    }

    [Fact]
    public async Task NewKey_DoesNotSignBeforeActivation()
    {
        await using var idp = new IdpFactory()
            .WithClient(TestClients.Create("api", c => { c.Secret = TestClients.Secret; c.AllowedGrantTypes = ["client_credentials"]; c.AllowedScopes = []; }))
            .Start();
        var api = new TestRelyingParty(idp, "api");
        var before = await SigningKeyIdAsync(api);

        var rotated = await idp.WithScopeAsync(s => s.GetRequiredService<SigningKeyManager>().RotateNowAsync(SigningAlgorithms.RS256));
        Assert.True(rotated.ActivatesAt > rotated.PublishedEverywhereAt + KeyOptions(idp).JwksMaxAge,
            "a rotated key must be published on every node for longer than the JWKS may be cached before it signs");

        Assert.Contains(rotated.KeyId, await JwksKeyIdsAsync(idp));
        Assert.Equal(before, await SigningKeyIdAsync(api));

        idp.Clock.SetUtcNow(rotated.ActivatesAt.AddSeconds(-1));
        Assert.Equal(before, await SigningKeyIdAsync(api));

        idp.Clock.SetUtcNow(rotated.ActivatesAt);
        Assert.Equal(rotated.KeyId, await SigningKeyIdAsync(api));
    }

    [Fact]
    public async Task Jwks_CacheControl_ShorterThanPropagation()
    {
        await using var idp = new IdpFactory().Start();
        using var http = idp.CreateClient();

        var response = await http.GetAsync("/.well-known/jwks");

        var cacheControl = response.Headers.CacheControl ?? CacheControlHeaderValue.Parse(string.Join(",", response.Headers.GetValues("Cache-Control")));
        Assert.True(cacheControl.Public);
        var maxAge = Assert.NotNull(cacheControl.MaxAge);
        var keys = KeyOptions(idp);
        Assert.Equal(keys.JwksMaxAge, maxAge);
        Assert.True(keys.RefreshInterval + maxAge < keys.PropagationTime,
            $"a key signs {keys.PropagationTime} after it is made, but may reach a relying party only after {keys.RefreshInterval + maxAge}");
    }

    [Theory]
    [InlineData("01:00:00", "01:00:00", "00:00:30")] // propagation = JWKS max-age: a cached JWKS may lack the key
    [InlineData("01:00:00", "00:59:50", "00:00:30")] // the refresh interval tips it over
    [InlineData("1.00:00:00", "01:00:00", "00:00:00")] // a refresh interval of zero would read the database on every request
    public void SigningKeys_PropagationNotLongerThanRefreshPlusJwksMaxAge_StopsStartup(string propagation, string jwksMaxAge, string refresh)
    {
        using var idp = new IdpFactory()
            .WithSetting("Idp:SigningKeys:PropagationTime", propagation)
            .WithSetting("Idp:SigningKeys:JwksMaxAge", jwksMaxAge)
            .WithSetting("Idp:SigningKeys:RefreshInterval", refresh);

        var error = Assert.ThrowsAny<Exception>(() => idp.Start());

        Assert.Contains(refresh == "00:00:00" ? "Idp:SigningKeys:RefreshInterval" : "Idp:SigningKeys:PropagationTime", error.ToString());
    }

    private static SigningKeyOptions KeyOptions(IdpFactory idp) =>
        idp.Services.GetRequiredService<IOptions<IdpOptions>>().Value.SigningKeys;

    private static async Task<string[]> JwksKeyIdsAsync(IdpFactory node)
    {
        using var http = node.CreateClient();
        var jwks = JsonDocument.Parse(await http.GetStringAsync("/.well-known/jwks")).RootElement;
        return jwks.GetProperty("keys").EnumerateArray().Select(k => k.GetProperty("kid").GetString()!).ToArray();
    }

    /// <summary>The kid of a fresh access token (client credentials; the client signs with RS256).</summary>
    private static async Task<string> SigningKeyIdAsync(TestRelyingParty api)
    {
        var (response, body) = await api.PostAsync("/connect/token", new() { ["grant_type"] = "client_credentials" });
        Assert.True(response.IsSuccessStatusCode, body.ToString());
        return new JsonWebToken(body.GetProperty("access_token").GetString()!).Kid;
    }
}
