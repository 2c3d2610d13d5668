using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Idp.Testing;

/// <summary>
/// A client's key pair for <c>private_key_jwt</c> tests: its public JWK for the client's JWKS, and client assertions
/// (RFC 7523) signed with it, built by hand so a test can set or leave out any header or claim.
/// </summary>
public sealed class TestClientKey : IDisposable
{
    private readonly RSA? _rsa;
    private readonly ECDsa? _ec;

    private TestClientKey(string kid, string algorithm, RSA? rsa, ECDsa? ec)
    {
        Kid = kid;
        Algorithm = algorithm;
        _rsa = rsa;
        _ec = ec;
    }

    public string Kid { get; }
    public string Algorithm { get; }

    /// <summary>An RSA key for RS256 (or PS256).</summary>
    public static TestClientKey Rsa(string kid, string algorithm = "RS256") => new(kid, algorithm, RSA.Create(2048), null);

    /// <summary>A P-256 key for ES256.</summary>
    public static TestClientKey Ec(string kid) => new(kid, "ES256", null, ECDsa.Create(ECCurve.NamedCurves.nistP256));

    /// <summary>The public key as a JWK (RFC 7517 §4).</summary>
    public Dictionary<string, string> PublicJwk()
    {
        if (_rsa is not null)
        {
            var p = _rsa.ExportParameters(false);
            return new() { ["kty"] = "RSA", ["kid"] = Kid, ["use"] = "sig", ["n"] = Base64Url(p.Modulus!), ["e"] = Base64Url(p.Exponent!) };
        }
        var q = _ec!.ExportParameters(false).Q;
        return new() { ["kty"] = "EC", ["kid"] = Kid, ["crv"] = "P-256", ["x"] = Base64Url(q.X!), ["y"] = Base64Url(q.Y!) };
    }

    /// <summary>A JWKS document with the public keys of <paramref name="keys"/>.</summary>
    public static string Jwks(params TestClientKey[] keys) => JsonSerializer.Serialize(new { keys = keys.Select(k => k.PublicJwk()) });

    /// <summary>
    /// A good assertion of <paramref name="clientId"/> for <paramref name="audience"/>: iss = sub = client id, a minute
    /// long, a fresh jti. <paramref name="change"/> edits the claims (set null to leave one out); <paramref name="header"/> the header.
    /// </summary>
    public string Assertion(string clientId, string audience, DateTimeOffset now, Action<Dictionary<string, object?>>? change = null, Action<Dictionary<string, object?>>? header = null)
    {
        var claims = new Dictionary<string, object?>
        {
            ["iss"] = clientId,
            ["sub"] = clientId,
            ["aud"] = audience,
            ["iat"] = now.ToUnixTimeSeconds(),
            ["exp"] = now.AddMinutes(1).ToUnixTimeSeconds(),
            ["jti"] = Guid.NewGuid().ToString("N"),
        };
        change?.Invoke(claims);
        var head = new Dictionary<string, object?> { ["alg"] = Algorithm, ["typ"] = "JWT", ["kid"] = Kid };
        header?.Invoke(head);
        return Sign(head, claims);
    }

    /// <summary>Signs with this key: RSA as PS256 when the header says so, otherwise PKCS#1 v1.5; EC as ES256, whatever the header says.</summary>
    public string Sign(Dictionary<string, object?> header, Dictionary<string, object?> claims)
    {
        var input = Encode(header) + "." + Encode(claims);
        var data = Encoding.ASCII.GetBytes(input);
        var signature = _ec is not null
            ? _ec.SignData(data, HashAlgorithmName.SHA256)
            : _rsa!.SignData(data, HashAlgorithmName.SHA256, header.GetValueOrDefault("alg") as string == "PS256" ? RSASignaturePadding.Pss : RSASignaturePadding.Pkcs1);
        return input + "." + Base64Url(signature);
    }

    /// <summary>An unsigned JWT (<c>alg: none</c>, RFC 7519 §6).</summary>
    public static string Unsecured(Dictionary<string, object?> claims) =>
        Encode(new Dictionary<string, object?> { ["alg"] = "none", ["typ"] = "JWT" }) + "." + Encode(claims) + ".";

    /// <summary>An HS256 JWT keyed with <paramref name="secret"/> (e.g. the bytes of a public key: the classic confusion attack).</summary>
    public static string Hs256(Dictionary<string, object?> claims, byte[] secret, string? kid = null)
    {
        var header = new Dictionary<string, object?> { ["alg"] = "HS256", ["typ"] = "JWT" };
        if (kid is not null)
            header["kid"] = kid;
        var input = Encode(header) + "." + Encode(claims);
        return input + "." + Base64Url(HMACSHA256.HashData(secret, Encoding.ASCII.GetBytes(input)));
    }

    public static Dictionary<string, object?> Claims(string token) =>
        JsonSerializer.Deserialize<Dictionary<string, object?>>(Convert.FromBase64String(Pad(token.Split('.')[1])))!;

    public void Dispose()
    {
        _rsa?.Dispose();
        _ec?.Dispose();
    }

    private static string Encode(Dictionary<string, object?> values) =>
        Base64Url(JsonSerializer.SerializeToUtf8Bytes(values.Where(v => v.Value is not null).ToDictionary(v => v.Key, v => v.Value)));

    private static string Base64Url(byte[] data) => Convert.ToBase64String(data).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static string Pad(string base64Url)
    {
        var s = base64Url.Replace('-', '+').Replace('_', '/');
        return s.PadRight(s.Length + (4 - s.Length % 4) % 4, '=');
    }
}
