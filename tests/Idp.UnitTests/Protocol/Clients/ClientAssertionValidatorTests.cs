using System.Text;
using Idp.Data.Entities;
using Idp.Protocol.Clients;
using Idp.Testing;

namespace Idp.UnitTests.Protocol.Clients;

/// <summary>RFC 7523 §3 and OpenID Connect Core §9, clause by clause: each refusal on its own.</summary>
public sealed class ClientAssertionValidatorTests : IDisposable
{
    private const string ClientId = "key-client";
    private readonly AssertionTestRig _rig = new();
    private readonly TestClientKey _key = TestClientKey.Rsa("rsa-1");
    private readonly Client _client;

    public ClientAssertionValidatorTests() => _client = AssertionTestRig.KeyClient(ClientId, _key);

    public void Dispose()
    {
        _key.Dispose();
        _rig.Dispose();
    }

    private DateTimeOffset Now => _rig.Clock.GetUtcNow();

    private Task<AssertionRefusal?> Validate(string assertion, string endpoint = AssertionTestRig.TokenEndpoint, Client? client = null) =>
        _rig.Validator.ValidateAsync(client ?? _client, assertion, endpoint);

    private string Assertion(Action<Dictionary<string, object?>>? change = null, Action<Dictionary<string, object?>>? header = null) =>
        _key.Assertion(ClientId, AssertionTestRig.TokenEndpoint, Now, change, header);

    [Fact]
    public async Task Assertion_Good_IsAccepted()
    {
        Assert.Null(await Validate(Assertion()));
    }

    [Fact]
    public async Task Assertion_PS256AndES256_AreAccepted()
    {
        using var pss = TestClientKey.Rsa("pss", "PS256");
        using var ec = TestClientKey.Ec("ec");
        var client = AssertionTestRig.KeyClient(ClientId, pss, ec);

        Assert.Null(await Validate(pss.Assertion(ClientId, AssertionTestRig.TokenEndpoint, Now), client: client));
        Assert.Null(await Validate(ec.Assertion(ClientId, AssertionTestRig.TokenEndpoint, Now), client: client));
    }

    [Fact]
    public async Task Assertion_WithoutKid_IsVerifiedWithTheClientsKeys()
    {
        Assert.Null(await Validate(Assertion(header: h => h["kid"] = null)));
    }

    [Theory]
    [InlineData(AssertionTestRig.Issuer)]
    [InlineData(AssertionTestRig.TokenEndpoint)]
    [InlineData(AssertionTestRig.Issuer + "/connect/par")]
    public async Task Assertion_AtPar_AcceptsIssuerTokenEndpointAndParEndpointAsAudience(string audience)
    {
        Assert.Null(await Validate(Assertion(c => c["aud"] = audience), AssertionTestRig.Issuer + "/connect/par"));
    }

    [Fact]
    public async Task Assertion_AudienceArrayContainingTheTokenEndpoint_IsAccepted()
    {
        Assert.Null(await Validate(Assertion(c => c["aud"] = new[] { "https://other.example", AssertionTestRig.TokenEndpoint })));
    }

    [Theory]
    [InlineData("https://other.example/connect/token")]
    [InlineData("https://id.example/connect/introspect")]
    [InlineData("https://id.example/")]
    public async Task Assertion_WrongAudience_IsRefused(string audience)
    {
        Assert.Equal(AssertionRefusal.Audience, await Validate(Assertion(c => c["aud"] = audience)));
    }

    [Fact]
    public async Task Assertion_WithoutAudience_IsRefused()
    {
        Assert.Equal(AssertionRefusal.Audience, await Validate(Assertion(c => c["aud"] = null)));
    }

    [Fact]
    public async Task Assertion_WrongIssuer_IsRefused()
    {
        Assert.Equal(AssertionRefusal.Issuer, await Validate(Assertion(c => c["iss"] = "other-client")));
    }

    [Fact]
    public async Task Assertion_WrongSubject_IsRefused()
    {
        Assert.Equal(AssertionRefusal.Subject, await Validate(Assertion(c => c["sub"] = "other-client")));
    }

    [Fact]
    public async Task Assertion_Expired_IsRefused()
    {
        var assertion = Assertion();
        _rig.Clock.Advance(TimeSpan.FromMinutes(2));

        Assert.Equal(AssertionRefusal.Expired, await Validate(assertion));
    }

    [Fact]
    public async Task Assertion_ExpiredWithinClockSkew_IsAccepted()
    {
        var assertion = Assertion();
        _rig.Clock.Advance(TimeSpan.FromSeconds(80));

        Assert.Null(await Validate(assertion));
    }

    [Fact]
    public async Task Assertion_WithoutExp_IsRefused()
    {
        Assert.Equal(AssertionRefusal.MissingExpiry, await Validate(Assertion(c => c["exp"] = null)));
    }

    [Fact]
    public async Task Assertion_ExpTooFarAhead_IsRefused()
    {
        Assert.Equal(AssertionRefusal.LifetimeTooLong, await Validate(Assertion(c => c["exp"] = Now.AddMinutes(10).ToUnixTimeSeconds())));
    }

    [Fact]
    public async Task Assertion_ExpTooFarAheadWithoutIat_IsRefused()
    {
        Assert.Equal(AssertionRefusal.LifetimeTooLong, await Validate(Assertion(c =>
        {
            c["iat"] = null;
            c["exp"] = Now.AddHours(1).ToUnixTimeSeconds();
        })));
    }

    [Fact]
    public async Task Assertion_IssuedLongAgoStillValid_IsRefusedForItsLifetime()
    {
        Assert.Equal(AssertionRefusal.LifetimeTooLong, await Validate(Assertion(c =>
        {
            c["iat"] = Now.AddHours(-1).ToUnixTimeSeconds();
            c["exp"] = Now.AddMinutes(1).ToUnixTimeSeconds();
        })));
    }

    [Fact]
    public async Task Assertion_MaxLifetimeIsConfigurable()
    {
        _rig.Options.ClientAuthentication.AssertionMaxLifetime = TimeSpan.FromSeconds(30);

        Assert.Equal(AssertionRefusal.LifetimeTooLong, await Validate(Assertion()));
    }

    [Fact]
    public async Task Assertion_NotYetValid_IsRefused()
    {
        Assert.Equal(AssertionRefusal.NotYetValid, await Validate(Assertion(c => c["nbf"] = Now.AddMinutes(1).ToUnixTimeSeconds())));
    }

    [Fact]
    public async Task Assertion_IssuedInTheFuture_IsRefused()
    {
        Assert.Equal(AssertionRefusal.IssuedInFuture, await Validate(Assertion(c =>
        {
            c["iat"] = Now.AddMinutes(2).ToUnixTimeSeconds();
            c["exp"] = Now.AddMinutes(3).ToUnixTimeSeconds();
        })));
    }

    [Fact]
    public async Task Assertion_WithoutJti_IsRefused()
    {
        Assert.Equal(AssertionRefusal.MissingJti, await Validate(Assertion(c => c["jti"] = null)));
    }

    [Fact]
    public async Task Assertion_Replayed_IsRefused()
    {
        var assertion = Assertion();
        Assert.Null(await Validate(assertion));

        Assert.Equal(AssertionRefusal.Replayed, await Validate(assertion));
    }

    [Fact]
    public async Task Assertion_SameJtiFromAnotherClient_IsNotAReplay()
    {
        using var otherKey = TestClientKey.Rsa("other");
        var other = AssertionTestRig.KeyClient("other-client", otherKey);
        Assert.Null(await Validate(Assertion(c => c["jti"] = "shared-id")));

        Assert.Null(await Validate(otherKey.Assertion("other-client", AssertionTestRig.TokenEndpoint, Now, c => c["jti"] = "shared-id"), client: other));
    }

    [Fact]
    public async Task Assertion_Refused_DoesNotSpendItsJti()
    {
        Assert.Equal(AssertionRefusal.Audience, await Validate(Assertion(c => { c["jti"] = "kept"; c["aud"] = "https://other.example"; })));

        Assert.Null(await Validate(Assertion(c => c["jti"] = "kept")));
    }

    [Fact]
    public async Task Assertion_UnknownKid_IsRefused()
    {
        Assert.Equal(AssertionRefusal.UnknownKey, await Validate(Assertion(header: h => h["kid"] = "unknown")));
    }

    [Fact]
    public async Task Assertion_SignedWithAnotherKeyUnderTheClientsKid_IsRefused()
    {
        using var stranger = TestClientKey.Rsa(_key.Kid);

        Assert.Equal(AssertionRefusal.Signature, await Validate(stranger.Assertion(ClientId, AssertionTestRig.TokenEndpoint, Now)));
    }

    [Fact]
    public async Task Assertion_TamperedClaims_IsRefused()
    {
        var parts = Assertion().Split('.');
        var forged = _key.Assertion(ClientId, AssertionTestRig.TokenEndpoint, Now, c => c["sub"] = "someone").Split('.');

        Assert.Equal(AssertionRefusal.Signature, await Validate($"{parts[0]}.{forged[1]}.{parts[2]}"));
    }

    [Fact]
    public async Task Assertion_AlgNone_IsRefused()
    {
        var claims = TestClientKey.Claims(Assertion());

        Assert.Equal(AssertionRefusal.Algorithm, await Validate(TestClientKey.Unsecured(claims)));
    }

    [Fact]
    public async Task Assertion_Hs256KeyedWithThePublicKey_IsRefused()
    {
        var claims = TestClientKey.Claims(Assertion());
        var publicJwk = Encoding.UTF8.GetBytes(TestClientKey.Jwks(_key));

        Assert.Equal(AssertionRefusal.Algorithm, await Validate(TestClientKey.Hs256(claims, publicJwk, _key.Kid)));
    }

    [Fact]
    public async Task Assertion_AlgOtherThanTheKeysType_IsRefused()
    {
        // An ES256 header over an RSA key: the key cannot verify it.
        Assert.NotNull(await Validate(Assertion(header: h => h["alg"] = "ES256")));
    }

    [Theory]
    [InlineData("")]
    [InlineData("not-a-jwt")]
    [InlineData("a.b.c")]
    [InlineData("eyJhbGciOiJSUzI1NiJ9.e30")]
    public async Task Assertion_Malformed_IsRefused(string assertion)
    {
        Assert.Equal(AssertionRefusal.Malformed, await Validate(assertion));
    }
}
