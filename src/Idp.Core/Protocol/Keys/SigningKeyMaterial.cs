using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.IdentityModel.Tokens;

namespace Idp.Protocol.Keys;

/// <summary>The public half of a signing key as a JWK (RFC 7517 §4, RFC 7518 §6). It has no private members at all.</summary>
internal sealed record PublicJsonWebKey(
    [property: JsonPropertyName("kty")] string KeyType,
    [property: JsonPropertyName("use")] string Use,
    [property: JsonPropertyName("kid")] string KeyId,
    [property: JsonPropertyName("alg")] string Algorithm,
    [property: JsonPropertyName("n")] string? Modulus = null,
    [property: JsonPropertyName("e")] string? Exponent = null,
    [property: JsonPropertyName("crv")] string? Curve = null,
    [property: JsonPropertyName("x")] string? X = null,
    [property: JsonPropertyName("y")] string? Y = null);

internal sealed record JwksDocument([property: JsonPropertyName("keys")] IReadOnlyList<PublicJsonWebKey> Keys);

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(JwksDocument))]
[JsonSerializable(typeof(PublicJsonWebKey))]
internal sealed partial class KeysJsonContext : JsonSerializerContext;

/// <summary>A freshly generated key: its id, its public JWK and its private key as PKCS#8 (the caller encrypts and then clears it).</summary>
internal sealed record GeneratedSigningKey(string KeyId, string PublicJwk, byte[] Pkcs8PrivateKey);

/// <summary>A key loaded for use: credentials to sign with (private), a public-only key to validate with, and its JWK.</summary>
internal sealed record LoadedSigningKeyMaterial(SigningCredentials Credentials, SecurityKey ValidationKey, PublicJsonWebKey Jwk);

/// <summary>Generation and loading of RSA-2048 (RS256) and P-256 (ES256) keys.</summary>
internal static class SigningKeyMaterial
{
    private const int RsaKeySize = 2048;

    /// <summary>Generates a key. The kid is the key's JWK thumbprint (RFC 7638), so a kid never names two keys.</summary>
    public static GeneratedSigningKey Generate(string algorithm)
    {
        switch (algorithm)
        {
            case SigningAlgorithms.RS256:
            {
                using var rsa = RSA.Create(RsaKeySize);
                var jwk = RsaJwk(rsa.ExportParameters(includePrivateParameters: false), algorithm);
                return new GeneratedSigningKey(jwk.KeyId, Serialize(jwk), rsa.ExportPkcs8PrivateKey());
            }
            case SigningAlgorithms.ES256:
            {
                using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
                var jwk = EcJwk(ecdsa.ExportParameters(includePrivateParameters: false), algorithm);
                return new GeneratedSigningKey(jwk.KeyId, Serialize(jwk), ecdsa.ExportPkcs8PrivateKey());
            }
            default:
                throw new ArgumentException($"Unsupported signing algorithm '{algorithm}'.", nameof(algorithm));
        }
    }

    /// <summary>Imports a PKCS#8 private key; the caller clears <paramref name="pkcs8"/> afterwards.</summary>
    public static LoadedSigningKeyMaterial Load(string keyId, string algorithm, ReadOnlySpan<byte> pkcs8, CryptoProviderFactory cryptoProviderFactory)
    {
        SecurityKey signingKey, validationKey;
        PublicJsonWebKey jwk;
        switch (algorithm)
        {
            case SigningAlgorithms.RS256:
            {
                var rsa = RSA.Create();
                rsa.ImportPkcs8PrivateKey(pkcs8, out _);
                if (rsa.KeySize < RsaKeySize)
                    throw new CryptographicException($"The RSA key '{keyId}' is shorter than {RsaKeySize} bits.");
                var publicParameters = rsa.ExportParameters(includePrivateParameters: false);
                signingKey = new RsaSecurityKey(rsa) { KeyId = keyId };
                validationKey = new RsaSecurityKey(RSA.Create(publicParameters)) { KeyId = keyId };
                jwk = RsaJwk(publicParameters, algorithm) with { KeyId = keyId };
                break;
            }
            case SigningAlgorithms.ES256:
            {
                var ecdsa = ECDsa.Create();
                ecdsa.ImportPkcs8PrivateKey(pkcs8, out _);
                var publicParameters = ecdsa.ExportParameters(includePrivateParameters: false);
                if (publicParameters.Curve.Oid.Value != ECCurve.NamedCurves.nistP256.Oid.Value)
                    throw new CryptographicException($"The EC key '{keyId}' is not on P-256.");
                signingKey = new ECDsaSecurityKey(ecdsa) { KeyId = keyId };
                validationKey = new ECDsaSecurityKey(ECDsa.Create(publicParameters)) { KeyId = keyId };
                jwk = EcJwk(publicParameters, algorithm) with { KeyId = keyId };
                break;
            }
            default:
                throw new CryptographicException($"The key '{keyId}' has unsupported algorithm '{algorithm}'.");
        }

        signingKey.CryptoProviderFactory = cryptoProviderFactory;
        validationKey.CryptoProviderFactory = cryptoProviderFactory;
        // One SigningCredentials per key, reused for every token: its signature provider is cached by the factory.
        var credentials = new SigningCredentials(signingKey, algorithm) { CryptoProviderFactory = cryptoProviderFactory };
        return new LoadedSigningKeyMaterial(credentials, validationKey, jwk);
    }

    public static byte[] SerializeJwks(IReadOnlyList<PublicJsonWebKey> keys) =>
        JsonSerializer.SerializeToUtf8Bytes(new JwksDocument(keys), KeysJsonContext.Default.JwksDocument);

    private static string Serialize(PublicJsonWebKey jwk) => JsonSerializer.Serialize(jwk, KeysJsonContext.Default.PublicJsonWebKey);

    private static PublicJsonWebKey RsaJwk(RSAParameters parameters, string algorithm)
    {
        var n = Base64Url.EncodeToString(parameters.Modulus);
        var e = Base64Url.EncodeToString(parameters.Exponent);
        // RFC 7638 §3.2: required members in lexicographic order, no whitespace.
        var kid = Thumbprint($$"""{"e":"{{e}}","kty":"RSA","n":"{{n}}"}""");
        return new PublicJsonWebKey("RSA", "sig", kid, algorithm, Modulus: n, Exponent: e);
    }

    private static PublicJsonWebKey EcJwk(ECParameters parameters, string algorithm)
    {
        var x = Base64Url.EncodeToString(parameters.Q.X);
        var y = Base64Url.EncodeToString(parameters.Q.Y);
        var kid = Thumbprint($$"""{"crv":"P-256","kty":"EC","x":"{{x}}","y":"{{y}}"}""");
        return new PublicJsonWebKey("EC", "sig", kid, algorithm, Curve: "P-256", X: x, Y: y);
    }

    private static string Thumbprint(string canonicalJwk) =>
        Base64Url.EncodeToString(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(canonicalJwk)));
}
