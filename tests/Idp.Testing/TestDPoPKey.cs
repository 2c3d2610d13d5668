using System.Security.Cryptography;
using System.Text;

namespace Idp.Testing;

/// <summary>
/// A client's DPoP key (RFC 9449): proofs signed with it, built by hand so a test can set or leave out any header
/// parameter or claim, and its RFC 7638 thumbprint.
/// </summary>
public sealed class TestDPoPKey(TestClientKey key) : IDisposable
{
    public static TestDPoPKey Ec() => new(TestClientKey.Ec("dpop"));
    public static TestDPoPKey Rsa(string algorithm = "RS256") => new(TestClientKey.Rsa("dpop", algorithm));

    public TestClientKey Key => key;

    /// <summary>The public JWK as it goes into the proof's header (no kid, no use).</summary>
    public Dictionary<string, object?> Jwk() =>
        key.PublicJwk().Where(p => p.Key is not ("kid" or "use")).ToDictionary(p => p.Key, p => (object?)p.Value);

    /// <summary>RFC 7638: SHA-256 over the required members in lexicographic order, base64url.</summary>
    public string Thumbprint()
    {
        var jwk = key.PublicJwk();
        var canonical = jwk["kty"] == "EC"
            ? $"{{\"crv\":\"{jwk["crv"]}\",\"kty\":\"EC\",\"x\":\"{jwk["x"]}\",\"y\":\"{jwk["y"]}\"}}"
            : $"{{\"e\":\"{jwk["e"]}\",\"kty\":\"RSA\",\"n\":\"{jwk["n"]}\"}}";
        return Base64Url(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
    }

    /// <summary>
    /// A good proof for <paramref name="method"/> <paramref name="url"/> issued at <paramref name="now"/>, with
    /// <c>ath</c> for <paramref name="accessToken"/> and the server's <paramref name="nonce"/> when given.
    /// <paramref name="change"/> edits the claims (null leaves one out); <paramref name="header"/> the header.
    /// </summary>
    public string Proof(string method, string url, DateTimeOffset now, string? accessToken = null, string? nonce = null,
        Action<Dictionary<string, object?>>? change = null, Action<Dictionary<string, object?>>? header = null)
    {
        var claims = new Dictionary<string, object?>
        {
            ["jti"] = Guid.NewGuid().ToString("N"),
            ["htm"] = method,
            ["htu"] = url,
            ["iat"] = now.ToUnixTimeSeconds(),
        };
        if (accessToken is not null)
            claims["ath"] = AccessTokenHash(accessToken);
        if (nonce is not null)
            claims["nonce"] = nonce;
        change?.Invoke(claims);
        var head = new Dictionary<string, object?> { ["typ"] = "dpop+jwt", ["alg"] = key.Algorithm, ["jwk"] = Jwk() };
        header?.Invoke(head);
        return key.Sign(head, claims);
    }

    public static string AccessTokenHash(string accessToken) => Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(accessToken)));

    public void Dispose() => key.Dispose();

    private static string Base64Url(byte[] data) => Convert.ToBase64String(data).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
