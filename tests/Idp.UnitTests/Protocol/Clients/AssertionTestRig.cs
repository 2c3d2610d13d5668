using System.Collections.Concurrent;
using System.Net;
using Idp.Configuration;
using Idp.Data.Entities;
using Idp.Protocol.Clients;
using Idp.Security;
using Idp.Testing;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Idp.UnitTests.Protocol.Clients;

/// <summary>A <see cref="ClientAssertionValidator"/> with an in-memory replay guard, a fake clock and a stub <c>jwks_uri</c> host.</summary>
internal sealed class AssertionTestRig : IDisposable
{
    public const string Issuer = "https://id.example";
    public const string TokenEndpoint = Issuer + "/connect/token";

    public FakeTimeProvider Clock { get; } = new();
    public IdpOptions Options { get; } = new() { Issuer = Issuer };
    public InMemoryReplayGuard Replays { get; } = new();
    public StubJwksHost JwksHost { get; } = new();
    public ClientKeys Keys { get; }
    public ClientAssertionValidator Validator { get; }
    private readonly MemoryCache _cache = new(new MemoryCacheOptions());

    public AssertionTestRig()
    {
        var options = Microsoft.Extensions.Options.Options.Create(Options);
        Keys = new ClientKeys(new StubHttpClientFactory(JwksHost), _cache, options, Clock, NullLogger<ClientKeys>.Instance);
        Validator = new ClientAssertionValidator(Keys, Replays, options, Clock);
    }

    public static Client KeyClient(string clientId, params TestClientKey[] keys) => new()
    {
        ClientId = clientId,
        DisplayName = clientId,
        TokenEndpointAuthMethod = ClientAuthMethods.PrivateKeyJwt,
        Jwks = TestClientKey.Jwks(keys),
        RedirectUris = ["https://client.example/cb"],
        AllowedGrantTypes = ["authorization_code", "refresh_token", "client_credentials"],
        AllowedScopes = ["openid", "profile"],
    };

    public void Dispose() => _cache.Dispose();

    internal sealed class InMemoryReplayGuard : IReplayGuard
    {
        private readonly ConcurrentDictionary<(string, string), DateTimeOffset> _used = new();

        public Task<bool> TryUseAsync(string scope, string jti, DateTimeOffset expiresAt, CancellationToken cancellationToken = default) =>
            Task.FromResult(_used.TryAdd((scope, jti), expiresAt));
    }

    /// <summary>Serves <see cref="Jwks"/> at any URL and counts the requests.</summary>
    internal sealed class StubJwksHost : HttpMessageHandler
    {
        public string Jwks { get; set; } = """{"keys":[]}""";
        public int Requests;

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref Requests);
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(Jwks, System.Text.Encoding.UTF8, "application/json") });
        }
    }

    private sealed class StubHttpClientFactory(HttpMessageHandler handler) : IHttpClientFactory
    {
        public HttpClient CreateClient(string name) => new(handler, disposeHandler: false);
    }
}
