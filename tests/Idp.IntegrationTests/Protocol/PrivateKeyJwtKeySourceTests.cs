using System.Net;
using Idp.IntegrationTests.Infrastructure;
using Idp.Protocol.Clients;
using Idp.Security;
using Idp.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Idp.IntegrationTests.Protocol;

/// <summary>Where a <c>private_key_jwt</c> client's keys come from (its <c>jwks_uri</c>), and single use of its assertions across nodes.</summary>
public sealed class PrivateKeyJwtKeySourceTests
{
    private const string TokenEndpoint = IdpFactory.Issuer + "/connect/token";
    private static readonly Dictionary<string, string> ClientCredentials = new() { ["grant_type"] = "client_credentials", ["scope"] = "api" };

    /// <summary>The client's JWKS host: serves whatever the test puts there, and counts the fetches.</summary>
    private sealed class JwksHost : HttpMessageHandler
    {
        public string Jwks { get; set; } = """{"keys":[]}""";
        public List<Uri> Requests { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            lock (Requests)
                Requests.Add(request.RequestUri!);
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(Jwks, System.Text.Encoding.UTF8, "application/json") });
        }
    }

    [Fact]
    public async Task JwksUri_KeyRotation_UnknownKidFetchesTheJwksAgain()
    {
        using var oldKey = TestClientKey.Rsa("2026-old");
        using var newKey = TestClientKey.Rsa("2026-new", "PS256");
        var host = new JwksHost { Jwks = TestClientKey.Jwks(oldKey) };
        await using var idp = new IdpFactory()
            .WithClient(PrivateKeyJwtTests.KeyClient("uri-portal", c => c.JwksUri = "https://client.example/jwks"))
            .WithServices(s => s.AddHttpClient(ClientKeys.HttpClientName).ConfigurePrimaryHttpMessageHandler(() => host));

        var (first, _) = await PrivateKeyJwtTests.PostAsync(idp, "/connect/token", ClientCredentials, oldKey.Assertion("uri-portal", TokenEndpoint, idp.Clock.GetUtcNow()));
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal([new Uri("https://client.example/jwks")], host.Requests);

        // The client publishes its new key and signs with it; the cached set does not know the kid.
        host.Jwks = TestClientKey.Jwks(oldKey, newKey);
        idp.Clock.Advance(TimeSpan.FromMinutes(1));
        var (rotated, _) = await PrivateKeyJwtTests.PostAsync(idp, "/connect/token", ClientCredentials, newKey.Assertion("uri-portal", TokenEndpoint, idp.Clock.GetUtcNow()));

        Assert.Equal(HttpStatusCode.OK, rotated.StatusCode);
        Assert.Equal(2, host.Requests.Count);
    }

    [Fact]
    public async Task JwksUri_Unreachable_IsInvalidClientNotAServerError()
    {
        using var key = TestClientKey.Ec("k");
        await using var idp = new IdpFactory()
            .WithClient(PrivateKeyJwtTests.KeyClient("uri-portal", c => c.JwksUri = "https://client.example/jwks"))
            .WithServices(s => s.AddHttpClient(ClientKeys.HttpClientName).ConfigurePrimaryHttpMessageHandler(() => new FailingHandler()));

        var (response, body) = await PrivateKeyJwtTests.PostAsync(idp, "/connect/token", ClientCredentials, key.Assertion("uri-portal", TokenEndpoint, idp.Clock.GetUtcNow()));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("invalid_client", body.GetProperty("error").GetString());
        Assert.True(idp.Logs.Contains("The JWKS of client uri-portal could not be fetched"));
    }

    private sealed class FailingHandler : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            throw new HttpRequestException("connection refused");
    }

    [Fact]
    public async Task Assertion_UsedOnNodeA_IsRefusedOnNodeB()
    {
        using var key = TestClientKey.Ec("k");
        await using var cluster = new IdpCluster(2);
        cluster.Configure(node => node.WithClient(PrivateKeyJwtTests.KeyClient("key-portal", c => c.Jwks = TestClientKey.Jwks(key)))).Start();
        var assertion = key.Assertion("key-portal", TokenEndpoint, cluster.Clock.GetUtcNow());

        var (atA, _) = await PrivateKeyJwtTests.PostAsync(cluster.NodeA, "/connect/token", ClientCredentials, assertion);
        var (atB, body) = await PrivateKeyJwtTests.PostAsync(cluster.NodeB, "/connect/token", ClientCredentials, assertion);

        Assert.Equal(HttpStatusCode.OK, atA.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, atB.StatusCode);
        Assert.Equal("invalid_client", body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task ReplayGuard_SecondUse_IsRefused_UntilTheFirstHasExpired()
    {
        await using var idp = new IdpFactory();
        idp.Start();
        var guard = idp.Services.GetRequiredService<IReplayGuard>();
        var expiresAt = idp.Clock.GetUtcNow().AddMinutes(1);

        Assert.True(await guard.TryUseAsync("test", "jti-1", expiresAt));
        Assert.False(await guard.TryUseAsync("test", "jti-1", expiresAt));
        Assert.True(await guard.TryUseAsync("other-scope", "jti-1", expiresAt));

        // A row the cleanup has not removed yet no longer blocks the id once its JWT has expired.
        idp.Clock.Advance(TimeSpan.FromMinutes(2));
        Assert.True(await guard.TryUseAsync("test", "jti-1", idp.Clock.GetUtcNow().AddMinutes(1)));
        Assert.False(await guard.TryUseAsync("test", "jti-1", idp.Clock.GetUtcNow().AddMinutes(1)));
    }

    [Fact]
    public async Task ReplayGuard_ConcurrentUses_OnlyOneWins()
    {
        await using var idp = new IdpFactory();
        idp.Start();
        var guard = idp.Services.GetRequiredService<IReplayGuard>();
        var expiresAt = idp.Clock.GetUtcNow().AddMinutes(1);

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => guard.TryUseAsync("race", "same", expiresAt))));

        Assert.Single(results, r => r);
    }
}
