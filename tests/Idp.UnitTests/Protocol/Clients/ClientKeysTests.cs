using Idp.Data.Entities;
using Idp.Protocol.Clients;
using Idp.Testing;

namespace Idp.UnitTests.Protocol.Clients;

/// <summary>A client's <c>jwks_uri</c>: cached, fetched again for an unknown kid (key rotation), but not more often than allowed.</summary>
public sealed class ClientKeysTests : IDisposable
{
    private readonly AssertionTestRig _rig = new();
    private readonly TestClientKey _old = TestClientKey.Rsa("old");
    private readonly TestClientKey _new = TestClientKey.Rsa("new");
    private readonly Client _client = new()
    {
        ClientId = "uri-client",
        TokenEndpointAuthMethod = ClientAuthMethods.PrivateKeyJwt,
        JwksUri = "https://client.example/jwks",
    };

    public void Dispose()
    {
        _old.Dispose();
        _new.Dispose();
        _rig.Dispose();
    }

    [Fact]
    public async Task JwksUri_IsFetchedOnceAndCached()
    {
        _rig.JwksHost.Jwks = TestClientKey.Jwks(_old);

        Assert.Single(await _rig.Keys.GetKeysAsync(_client, "old", default));
        Assert.Single(await _rig.Keys.GetKeysAsync(_client, "old", default));

        Assert.Equal(1, _rig.JwksHost.Requests);
    }

    [Fact]
    public async Task JwksUri_AfterTheCacheTime_IsFetchedAgain()
    {
        _rig.JwksHost.Jwks = TestClientKey.Jwks(_old);
        await _rig.Keys.GetKeysAsync(_client, "old", default);
        _rig.Clock.Advance(_rig.Options.ClientAuthentication.JwksCacheTime);

        await _rig.Keys.GetKeysAsync(_client, "old", default);

        Assert.Equal(2, _rig.JwksHost.Requests);
    }

    [Fact]
    public async Task JwksUri_UnknownKid_FetchesAgainAndFindsTheRotatedKey()
    {
        _rig.JwksHost.Jwks = TestClientKey.Jwks(_old);
        await _rig.Keys.GetKeysAsync(_client, "old", default);
        _rig.JwksHost.Jwks = TestClientKey.Jwks(_old, _new);
        _rig.Clock.Advance(_rig.Options.ClientAuthentication.JwksRefetchInterval);

        var keys = await _rig.Keys.GetKeysAsync(_client, "new", default);

        Assert.Equal("new", Assert.Single(keys).Kid);
        Assert.Equal(2, _rig.JwksHost.Requests);
    }

    [Fact]
    public async Task JwksUri_UnknownKids_FetchAtMostOncePerRefetchInterval()
    {
        _rig.JwksHost.Jwks = TestClientKey.Jwks(_old);
        await _rig.Keys.GetKeysAsync(_client, "old", default);

        for (var i = 0; i < 5; i++)
            Assert.Empty(await _rig.Keys.GetKeysAsync(_client, "forged-" + i, default));

        Assert.Equal(1, _rig.JwksHost.Requests);
    }

    [Fact]
    public async Task JwksUri_Unusable_YieldsNoKeys()
    {
        _rig.JwksHost.Jwks = "<html>not json</html>";

        Assert.Empty(await _rig.Keys.GetKeysAsync(_client, null, default));
    }

    [Fact]
    public async Task Assertion_SignedWithARotatedKey_IsAcceptedAfterTheRefetch()
    {
        _rig.JwksHost.Jwks = TestClientKey.Jwks(_old);
        var now = _rig.Clock.GetUtcNow();
        Assert.Null(await _rig.Validator.ValidateAsync(_client, _old.Assertion(_client.ClientId, AssertionTestRig.Issuer, now), AssertionTestRig.TokenEndpoint));
        _rig.JwksHost.Jwks = TestClientKey.Jwks(_new);
        _rig.Clock.Advance(TimeSpan.FromMinutes(1));

        Assert.Null(await _rig.Validator.ValidateAsync(_client, _new.Assertion(_client.ClientId, AssertionTestRig.Issuer, _rig.Clock.GetUtcNow()), AssertionTestRig.TokenEndpoint));
    }
}
