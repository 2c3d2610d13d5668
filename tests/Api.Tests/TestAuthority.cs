using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace Api.Tests;

/// <summary>A stand-in for Idp: its discovery document and signing keys, and access tokens as Idp issues them.</summary>
public sealed class TestAuthority
{
    public const string Issuer = "http://localhost:5000";
    public const string Audience = Issuer + "/resources";

    public RsaSecurityKey RsaKey { get; } = new(RSA.Create(2048)) { KeyId = "rsa-1" };
    public ECDsaSecurityKey EcKey { get; } = new(ECDsa.Create(ECCurve.NamedCurves.nistP256)) { KeyId = "ec-1" };

    public OpenIdConnectConfiguration Configuration { get; }

    public TestAuthority()
    {
        Configuration = new OpenIdConnectConfiguration { Issuer = Issuer, JwksUri = Issuer + "/.well-known/jwks" };
        Configuration.SigningKeys.Add(RsaKey);
        Configuration.SigningKeys.Add(EcKey);
    }

    /// <summary>
    /// An access token like Idp's (RFC 9068, typ at+jwt): second factor, authenticated a minute before <paramref name="now"/>.
    /// <paramref name="change"/> alters the claims before signing; <paramref name="credentials"/> null with <paramref name="unsigned"/> makes alg none.
    /// </summary>
    public string AccessToken(
        DateTimeOffset now,
        Action<Dictionary<string, object>>? change = null,
        SigningCredentials? credentials = null,
        string? tokenType = "at+jwt",
        bool unsigned = false)
    {
        var claims = new Dictionary<string, object>
        {
            ["iss"] = Issuer,
            ["aud"] = Audience,
            ["sub"] = "10000001",
            ["client_id"] = "demo-portal",
            ["scope"] = "openid profile",
            ["jti"] = Guid.NewGuid().ToString("N"),
            ["acr"] = "urn:idp:acr:mfa",
            ["amr"] = new[] { "pwd", "otp", "mfa" },
            ["auth_time"] = now.AddMinutes(-1).ToUnixTimeSeconds(),
            ["sid"] = "session-1",
            ["iat"] = now.ToUnixTimeSeconds(),
            ["nbf"] = now.ToUnixTimeSeconds(),
            ["exp"] = now.AddMinutes(10).ToUnixTimeSeconds(),
        };
        change?.Invoke(claims);

        var descriptor = new SecurityTokenDescriptor
        {
            Claims = claims,
            SigningCredentials = unsigned ? null : credentials ?? new SigningCredentials(RsaKey, SecurityAlgorithms.RsaSha256),
        };
        if (tokenType is not null)
            descriptor.TokenType = tokenType;
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(descriptor);
    }
}
