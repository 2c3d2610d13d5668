using Idp.Configuration;
using Idp.Protocol.DPoP;
using Idp.Testing;
using Idp.UnitTests.Protocol.Clients;
using Microsoft.AspNetCore.DataProtection;

namespace Idp.UnitTests.Protocol.DPoP;

/// <summary>RFC 9449 §4.3, clause by clause: each refusal on its own.</summary>
public sealed class DPoPProofValidatorTests : IDisposable
{
    private const string Issuer = "https://id.example";
    private const string TokenUrl = Issuer + "/connect/token";
    private const string UserInfoUrl = Issuer + "/connect/userinfo";

    private readonly FakeTimeProvider _clock = new();
    private readonly IdpOptions _options = new() { Issuer = Issuer };
    private readonly AssertionTestRig.InMemoryReplayGuard _replays = new();
    private readonly DPoPNonces _nonces;
    private readonly DPoPProofValidator _validator;
    private readonly TestDPoPKey _key = TestDPoPKey.Ec();

    public DPoPProofValidatorTests()
    {
        var options = Microsoft.Extensions.Options.Options.Create(_options);
        _nonces = new DPoPNonces(new EphemeralDataProtectionProvider(), options, _clock);
        _validator = new DPoPProofValidator(_replays, _nonces, options, _clock);
    }

    public void Dispose() => _key.Dispose();

    private DateTimeOffset Now => _clock.GetUtcNow();

    private Task<DPoPProofResult> Validate(string proof, string method = "POST", string url = TokenUrl, string? accessToken = null) =>
        _validator.ValidateAsync(proof, method, url, accessToken);

    private string Proof(Action<Dictionary<string, object?>>? change = null, Action<Dictionary<string, object?>>? header = null, string? nonce = null) =>
        _key.Proof("POST", TokenUrl, Now, nonce: nonce, change: change, header: header);

    [Fact]
    public async Task Proof_Good_IsAcceptedWithTheKeysThumbprint()
    {
        var result = await Validate(Proof());

        Assert.Null(result.Refusal);
        Assert.Equal(_key.Thumbprint(), result.Thumbprint);
    }

    [Theory]
    [InlineData("RS256")]
    [InlineData("PS256")]
    public async Task Proof_RsaKeys_AreAccepted(string algorithm)
    {
        using var rsa = TestDPoPKey.Rsa(algorithm);

        var result = await Validate(rsa.Proof("POST", TokenUrl, Now));

        Assert.Null(result.Refusal);
        Assert.Equal(rsa.Thumbprint(), result.Thumbprint);
    }

    [Fact]
    public async Task Proof_Garbage_IsMalformed() // §4.3 check 2
    {
        Assert.Equal(DPoPRefusal.Malformed, (await Validate("not-a-jwt")).Refusal);
    }

    [Theory] // §4.3 check 3
    [InlineData("jti")]
    [InlineData("htm")]
    [InlineData("htu")]
    [InlineData("iat")]
    public async Task Proof_WithoutRequiredClaim_IsRefused(string claim)
    {
        Assert.Equal(DPoPRefusal.MissingClaim, (await Validate(Proof(change: c => c[claim] = null))).Refusal);
    }

    [Fact]
    public async Task Proof_WithoutJwk_IsRefused() // §4.3 check 3
    {
        Assert.Equal(DPoPRefusal.MissingClaim, (await Validate(Proof(header: h => h["jwk"] = null))).Refusal);
    }

    [Theory] // §4.3 check 4
    [InlineData("JWT")]
    [InlineData(null)]
    public async Task Proof_WrongTyp_IsRefused(string? typ)
    {
        Assert.Equal(DPoPRefusal.Type, (await Validate(Proof(header: h => h["typ"] = typ))).Refusal);
    }

    [Fact]
    public async Task Proof_AlgNone_IsRefused() // §4.3 check 5
    {
        var signed = Proof();
        var parts = signed.Split('.');
        var header = Base64UrlJson(new Dictionary<string, object?> { ["typ"] = "dpop+jwt", ["alg"] = "none", ["jwk"] = _key.Jwk() });
        var unsigned = header + "." + parts[1] + ".";

        Assert.Equal(DPoPRefusal.Algorithm, (await Validate(unsigned)).Refusal);
    }

    [Fact]
    public async Task Proof_HS256_IsRefused() // §4.3 check 5: a MAC keyed with the public key must not pass
    {
        var claims = new Dictionary<string, object?> { ["jti"] = "x", ["htm"] = "POST", ["htu"] = TokenUrl, ["iat"] = Now.ToUnixTimeSeconds() };
        var header = Base64UrlJson(new Dictionary<string, object?> { ["typ"] = "dpop+jwt", ["alg"] = "HS256", ["jwk"] = _key.Jwk() });
        var input = header + "." + Base64UrlJson(claims);
        var mac = System.Security.Cryptography.HMACSHA256.HashData(System.Text.Encoding.UTF8.GetBytes(_key.Jwk()["x"]!.ToString()!), System.Text.Encoding.ASCII.GetBytes(input));

        Assert.Equal(DPoPRefusal.Algorithm, (await Validate(input + "." + Base64Url(mac))).Refusal);
    }

    [Fact]
    public async Task Proof_SignedByAnotherKey_IsRefused() // §4.3 check 6
    {
        using var other = TestDPoPKey.Ec();
        var proof = other.Proof("POST", TokenUrl, Now, header: h => h["jwk"] = _key.Jwk());

        Assert.Equal(DPoPRefusal.Signature, (await Validate(proof)).Refusal);
    }

    [Fact]
    public async Task Proof_TamperedClaims_IsRefused() // §4.3 check 6
    {
        var parts = Proof().Split('.');
        var forged = parts[0] + "." + Base64UrlJson(new Dictionary<string, object?> { ["jti"] = "y", ["htm"] = "POST", ["htu"] = TokenUrl, ["iat"] = Now.ToUnixTimeSeconds() }) + "." + parts[2];

        Assert.Equal(DPoPRefusal.Signature, (await Validate(forged)).Refusal);
    }

    [Theory] // §4.3 check 7
    [InlineData("d")]
    [InlineData("p")]
    [InlineData("k")]
    public async Task Proof_PrivateKeyInJwk_IsRefused(string member)
    {
        var jwk = _key.Jwk();
        jwk[member] = "AAAA";

        Assert.Equal(DPoPRefusal.PrivateKey, (await Validate(Proof(header: h => h["jwk"] = jwk))).Refusal);
    }

    [Theory] // §4.3 check 8
    [InlineData("GET")]
    [InlineData("post")]
    public async Task Proof_WrongHtm_IsRefused(string htm)
    {
        Assert.Equal(DPoPRefusal.Method, (await Validate(Proof(change: c => c["htm"] = htm))).Refusal);
    }

    [Theory] // §4.3 check 9
    [InlineData(Issuer + "/connect/userinfo")]
    [InlineData("https://other.example/connect/token")]
    [InlineData("http://id.example/connect/token")]
    [InlineData("https://id.example:8443/connect/token")]
    [InlineData("/connect/token")]
    public async Task Proof_WrongHtu_IsRefused(string htu)
    {
        Assert.Equal(DPoPRefusal.Uri, (await Validate(Proof(change: c => c["htu"] = htu))).Refusal);
    }

    [Theory] // §4.3 check 9: query and fragment ignored; scheme, host and default port compared as RFC 3986 §6.2.2/§6.2.3 say
    [InlineData("https://id.example/connect/token?x=1")]
    [InlineData("https://id.example/connect/token#f")]
    [InlineData("HTTPS://ID.EXAMPLE/connect/token")]
    [InlineData("https://id.example:443/connect/token")]
    public async Task Proof_EquivalentHtu_IsAccepted(string htu)
    {
        Assert.Null((await Validate(Proof(change: c => c["htu"] = htu))).Refusal);
    }

    [Fact]
    public async Task Proof_WithoutNonce_WhenRequired_AsksForOne() // §4.3 check 10, §8
    {
        _options.DPoP.RequireNonce = true;

        var result = await Validate(Proof());

        Assert.Equal(DPoPRefusal.Nonce, result.Refusal);
        Assert.True(result.NeedsNonce);
    }

    [Fact]
    public async Task Proof_WithWrongNonce_WhenRequired_IsRefused() // §4.3 check 10
    {
        _options.DPoP.RequireNonce = true;

        Assert.Equal(DPoPRefusal.Nonce, (await Validate(Proof(nonce: "made-up"))).Refusal);
    }

    [Fact]
    public async Task Proof_WithExpiredNonce_IsRefused() // §8: nonces are valid for NonceLifetime
    {
        _options.DPoP.RequireNonce = true;
        var nonce = _nonces.Create();
        _clock.Advance(_options.DPoP.NonceLifetime + TimeSpan.FromSeconds(1));

        Assert.Equal(DPoPRefusal.Nonce, (await Validate(Proof(nonce: nonce))).Refusal);
    }

    [Fact]
    public async Task Proof_WithServerNonce_WhenRequired_IsAccepted()
    {
        _options.DPoP.RequireNonce = true;

        Assert.Null((await Validate(Proof(nonce: _nonces.Create()))).Refusal);
    }

    [Fact]
    public async Task Proof_IssuedTooLongAgo_IsRefused() // §4.3 check 11, §11.1
    {
        var proof = _key.Proof("POST", TokenUrl, Now - _options.DPoP.ProofMaxAge - TimeSpan.FromSeconds(1));

        Assert.Equal(DPoPRefusal.IssuedTooLongAgo, (await Validate(proof)).Refusal);
    }

    [Fact]
    public async Task Proof_IssuedInTheFuture_IsRefused() // §4.3 check 11
    {
        var proof = _key.Proof("POST", TokenUrl, Now + _options.DPoP.ClockSkew + TimeSpan.FromSeconds(2));

        Assert.Equal(DPoPRefusal.IssuedInFuture, (await Validate(proof)).Refusal);
    }

    [Fact]
    public async Task Proof_WithinWindow_IsAccepted()
    {
        Assert.Null((await Validate(_key.Proof("POST", TokenUrl, Now - TimeSpan.FromSeconds(50)))).Refusal);
        Assert.Null((await Validate(_key.Proof("POST", TokenUrl, Now + TimeSpan.FromSeconds(3)))).Refusal);
    }

    [Fact]
    public async Task Proof_WrongAth_IsRefused() // §4.3 check 12, §7
    {
        var proof = _key.Proof("GET", UserInfoUrl, Now, accessToken: "another-token");

        Assert.Equal(DPoPRefusal.AccessTokenHash, (await Validate(proof, "GET", UserInfoUrl, accessToken: "the-token")).Refusal);
    }

    [Fact]
    public async Task Proof_MissingAth_AtResource_IsRefused() // §7
    {
        var proof = _key.Proof("GET", UserInfoUrl, Now);

        Assert.Equal(DPoPRefusal.AccessTokenHash, (await Validate(proof, "GET", UserInfoUrl, accessToken: "the-token")).Refusal);
    }

    [Fact]
    public async Task Proof_RightAth_AtResource_IsAccepted()
    {
        var proof = _key.Proof("GET", UserInfoUrl, Now, accessToken: "the-token");

        Assert.Null((await Validate(proof, "GET", UserInfoUrl, accessToken: "the-token")).Refusal);
    }

    [Fact]
    public async Task Proof_Replayed_IsRefused() // §11.1: jti single use
    {
        var proof = Proof();
        Assert.Null((await Validate(proof)).Refusal);

        Assert.Equal(DPoPRefusal.Replayed, (await Validate(proof)).Refusal);
    }

    [Fact]
    public async Task Proof_Refused_DoesNotSpendItsJti()
    {
        var proof = Proof();
        Assert.Equal(DPoPRefusal.Method, (await Validate(proof, method: "GET")).Refusal);

        Assert.Null((await Validate(proof)).Refusal);
    }

    private static string Base64UrlJson(Dictionary<string, object?> values) =>
        Base64Url(System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(values.Where(v => v.Value is not null).ToDictionary(v => v.Key, v => v.Value)));

    private static string Base64Url(byte[] data) => Convert.ToBase64String(data).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
