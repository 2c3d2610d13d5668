using System.Text;
using Microsoft.IdentityModel.Tokens;
using Portal.Authentication;

namespace Portal.Tests;

public sealed class IdTokenValidatorTests
{
    private const string Nonce = "n-0S6_WzA2Mj";
    private const string AccessToken = "access-token-value";

    private readonly TestIdp idp = new();
    private readonly FakeClock clock = new(new DateTimeOffset(2026, 11, 22, 10, 0, 0, TimeSpan.Zero));

    private Task<IdTokenValidationResult> Validate(string idToken, string nonce = Nonce, string? accessToken = AccessToken) =>
        new IdTokenValidator(clock).ValidateAsync(
            idToken,
            new IdTokenExpectations(TestIdp.Issuer, TestIdp.ClientId, nonce, accessToken),
            idp.Configuration.SigningKeys);

    [Fact]
    public async Task Validate_Rs256TokenWithMatchingNonceAndAtHash_IsValid()
    {
        var result = await Validate(idp.IdToken(clock.Now, Nonce, AccessToken));

        Assert.Null(result.Error);
        Assert.Equal("10000001", result.Token!.Subject);
    }

    [Fact]
    public async Task Validate_Es256Token_IsValid()
    {
        var credentials = new SigningCredentials(idp.EcKey, SecurityAlgorithms.EcdsaSha256);

        var result = await Validate(idp.IdToken(clock.Now, Nonce, AccessToken, credentials: credentials));

        Assert.Null(result.Error);
    }

    [Fact]
    public async Task Validate_OtherNonce_IsRejected()
    {
        var result = await Validate(idp.IdToken(clock.Now, "someone-elses-nonce", AccessToken));

        Assert.Contains("nonce", result.Error);
    }

    [Fact]
    public async Task Validate_NoNonce_IsRejected()
    {
        var result = await Validate(idp.IdToken(clock.Now, Nonce, AccessToken, claims => claims.Remove("nonce")));

        Assert.Contains("nonce", result.Error);
    }

    [Fact]
    public async Task Validate_OtherAudience_IsRejected()
    {
        var result = await Validate(idp.IdToken(clock.Now, Nonce, AccessToken, claims => claims["aud"] = "other-portal"));

        Assert.Contains("Audience", result.Error);
    }

    [Fact]
    public async Task Validate_OtherIssuer_IsRejected()
    {
        var result = await Validate(idp.IdToken(clock.Now, Nonce, AccessToken, claims => claims["iss"] = "http://localhost:6000"));

        Assert.Contains("Issuer", result.Error);
    }

    [Fact]
    public async Task Validate_AfterExpiryAndSkew_IsRejected()
    {
        var idToken = idp.IdToken(clock.Now, Nonce, AccessToken);
        clock.Advance(TimeSpan.FromMinutes(5) + IdTokenValidator.ClockSkew + TimeSpan.FromSeconds(1));

        var result = await Validate(idToken);

        Assert.Contains("Lifetime", result.Error);
    }

    [Fact]
    public async Task Validate_WithinClockSkewAfterExpiry_IsValid()
    {
        var idToken = idp.IdToken(clock.Now, Nonce, AccessToken);
        clock.Advance(TimeSpan.FromMinutes(5) + IdTokenValidator.ClockSkew - TimeSpan.FromSeconds(1));

        var result = await Validate(idToken);

        Assert.Null(result.Error);
    }

    [Fact]
    public async Task Validate_AtHashOfAnotherAccessToken_IsRejected()
    {
        var result = await Validate(idp.IdToken(clock.Now, Nonce, "another-access-token"));

        Assert.Contains("at_hash", result.Error);
    }

    [Fact]
    public async Task Validate_AzpOfAnotherClient_IsRejected()
    {
        var result = await Validate(idp.IdToken(clock.Now, Nonce, AccessToken, claims => claims["azp"] = "other-portal"));

        Assert.Contains("azp", result.Error);
    }

    [Fact]
    public async Task Validate_SeveralAudiencesWithoutAzp_IsRejected()
    {
        var result = await Validate(idp.IdToken(clock.Now, Nonce, AccessToken,
            claims => claims["aud"] = new[] { TestIdp.ClientId, "other-portal" }));

        Assert.Contains("azp", result.Error);
    }

    [Fact]
    public async Task Validate_SignedWithUnknownKey_IsRejectedAsUnknownKey()
    {
        var stranger = new RsaSecurityKey(System.Security.Cryptography.RSA.Create(2048)) { KeyId = "rsa-unknown" };

        var result = await Validate(idp.IdToken(clock.Now, Nonce, AccessToken,
            credentials: new SigningCredentials(stranger, SecurityAlgorithms.RsaSha256)));

        Assert.NotNull(result.Error);
        Assert.True(result.UnknownSigningKey);
    }

    [Fact]
    public async Task Validate_Hs256_IsRejectedEvenWithAKnownKey()
    {
        var secret = new SymmetricSecurityKey(Encoding.UTF8.GetBytes("a-shared-secret-that-is-long-enough-for-hs256")) { KeyId = "hmac" };
        idp.Configuration.SigningKeys.Add(secret);

        var result = await Validate(idp.IdToken(clock.Now, Nonce, AccessToken,
            credentials: new SigningCredentials(secret, SecurityAlgorithms.HmacSha256)));

        Assert.NotNull(result.Error);
    }

    [Fact]
    public async Task Validate_UnsignedToken_IsRejected()
    {
        var signed = idp.IdToken(clock.Now, Nonce, AccessToken);
        var payload = signed.Split('.')[1];
        var unsigned = Base64UrlEncoder.Encode("""{"alg":"none","typ":"JWT"}""") + "." + payload + ".";

        var result = await Validate(unsigned);

        Assert.NotNull(result.Error);
    }

    [Fact]
    public void ComputeTokenHash_MatchesTheExampleOfOpenIdConnectCore()
    {
        // OpenID Connect Core 1.0 Appendix A.3: the access token "jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y" has at_hash "77QmUPtjPfzWtF2AnpK9RQ".
        Assert.Equal("77QmUPtjPfzWtF2AnpK9RQ", IdTokenValidator.ComputeTokenHash("jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y", "RS256"));
    }
}
