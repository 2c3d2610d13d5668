using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;
using System.Buffers.Text;
using System.Text;

namespace Portal.Tests;

/// <summary>A stand-in for Idp: its discovery document, its signing keys, and ID tokens signed with them.</summary>
public sealed class TestIdp
{
    public const string Issuer = "http://localhost:5000";
    public const string ClientId = "demo-portal";

    public RsaSecurityKey RsaKey { get; } = new(RSA.Create(2048)) { KeyId = "rsa-1" };
    public ECDsaSecurityKey EcKey { get; } = new(ECDsa.Create(ECCurve.NamedCurves.nistP256)) { KeyId = "ec-1" };

    public OpenIdConnectConfiguration Configuration { get; }

    public TestIdp()
    {
        Configuration = new OpenIdConnectConfiguration
        {
            Issuer = Issuer,
            AuthorizationEndpoint = Issuer + "/connect/authorize",
            TokenEndpoint = Issuer + "/connect/token",
            EndSessionEndpoint = Issuer + "/connect/endsession",
            JwksUri = Issuer + "/.well-known/jwks",
            AuthorizationResponseIssParameterSupported = true,
        };
        Configuration.SigningKeys.Add(RsaKey);
        Configuration.SigningKeys.Add(EcKey);
    }

    /// <summary>An ID token as Idp issues it; <paramref name="change"/> alters the claims before signing.</summary>
    public string IdToken(
        DateTimeOffset now,
        string nonce,
        string? accessToken = null,
        Action<Dictionary<string, object>>? change = null,
        SigningCredentials? credentials = null)
    {
        var claims = new Dictionary<string, object>
        {
            ["iss"] = Issuer,
            ["aud"] = ClientId,
            ["sub"] = "10000001",
            ["name"] = "Erika Mustermann",
            ["email"] = "erika@example.org",
            ["acr"] = "urn:idp:acr:mfa",
            ["amr"] = new[] { "pwd", "otp" },
            ["auth_time"] = now.AddMinutes(-1).ToUnixTimeSeconds(),
            ["sid"] = "session-1",
            ["nonce"] = nonce,
            ["iat"] = now.ToUnixTimeSeconds(),
            ["exp"] = now.AddMinutes(5).ToUnixTimeSeconds(),
        };
        credentials ??= new SigningCredentials(RsaKey, SecurityAlgorithms.RsaSha256);
        if (accessToken is not null)
            claims["at_hash"] = ComputeTokenHash(accessToken, credentials.Algorithm);
        change?.Invoke(claims);

        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Claims = claims,
            SigningCredentials = credentials,
        });
    }

    /// <summary>OpenID Connect Core §3.1.3.6: the left half of the hash of the token's ASCII octets, base64url-encoded.</summary>
    public static string ComputeTokenHash(string value, string algorithm)
    {
        var bytes = Encoding.ASCII.GetBytes(value);
        var hash = algorithm[^3..] switch
        {
            "256" => SHA256.HashData(bytes),
            "384" => SHA384.HashData(bytes),
            "512" => SHA512.HashData(bytes),
            _ => throw new NotSupportedException($"No token hash for algorithm '{algorithm}'."),
        };
        return Base64Url.EncodeToString(hash.AsSpan(0, hash.Length / 2));
    }
}
