using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Idp.Testing;

/// <summary>
/// The receiving end of Web Push, written from the RFCs independently of Idp's sender: a user agent's subscription
/// keys (RFC 8291 §2: P-256 ECDH key and 16-byte auth secret), decryption of an <c>aes128gcm</c> body (RFC 8188) and
/// the push service's check of a VAPID <c>Authorization</c> header (RFC 8292).
/// </summary>
public sealed class WebPushReceiver : IDisposable
{
    public WebPushReceiver()
    {
        Key = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
        AuthSecret = RandomNumberGenerator.GetBytes(16);
        PublicKey = UncompressedPoint(Key.ExportParameters(false));
    }

    public ECDiffieHellman Key { get; }
    public byte[] PublicKey { get; }
    public byte[] AuthSecret { get; }

    public string PublicKeyBase64Url => Base64Url(PublicKey);
    public string AuthSecretBase64Url => Base64Url(AuthSecret);

    /// <summary>Decrypts a push message body for this subscription; throws <see cref="CryptographicException"/> if it does not open.</summary>
    public byte[] Decrypt(byte[] body) => Decrypt(body, Key, PublicKey, AuthSecret);

    public static byte[] Decrypt(byte[] body, ECDiffieHellman userAgentKey, byte[] userAgentPublicKey, byte[] authSecret)
    {
        // RFC 8188 §2.1 header: salt(16) rs(4) idlen(1) keyid(idlen)
        if (body.Length < 21)
            throw new CryptographicException("The body is shorter than the aes128gcm header.");
        var salt = body[..16];
        var recordSize = BinaryPrimitives.ReadUInt32BigEndian(body.AsSpan(16, 4));
        int idLength = body[20];
        if (idLength != 65 || body.Length < 21 + idLength + 17)
            throw new CryptographicException("keyid is not a 65-byte P-256 point, or no record follows.");
        var senderPublic = body[21..(21 + idLength)];
        var record = body[(21 + idLength)..];
        if (record.Length > recordSize)
            throw new CryptographicException("More than one record (RFC 8291 §4 allows one).");

        using var sender = ECDiffieHellman.Create(new ECParameters
        {
            Curve = ECCurve.NamedCurves.nistP256,
            Q = new ECPoint { X = senderPublic[1..33], Y = senderPublic[33..] },
        });
        var ecdhSecret = userAgentKey.DeriveRawSecretAgreement(sender.PublicKey);
        var keyInfo = Encoding.ASCII.GetBytes("WebPush: info\0").Concat(userAgentPublicKey).Concat(senderPublic).ToArray();
        var prkKey = HmacSha256(authSecret, ecdhSecret);
        var ikm = HmacSha256(prkKey, [.. keyInfo, 0x01])[..32];
        var prk = HmacSha256(salt, ikm);
        var cek = HmacSha256(prk, [.. Encoding.ASCII.GetBytes("Content-Encoding: aes128gcm\0"), 0x01])[..16];
        var nonce = HmacSha256(prk, [.. Encoding.ASCII.GetBytes("Content-Encoding: nonce\0"), 0x01])[..12];

        var padded = new byte[record.Length - 16];
        using (var aes = new AesGcm(cek, 16))
            aes.Decrypt(nonce, record.AsSpan(0, padded.Length), record.AsSpan(padded.Length), padded);

        // Strip padding: zeros after the delimiter, which must be 0x02 in the last record.
        var end = padded.Length - 1;
        while (end >= 0 && padded[end] == 0)
            end--;
        if (end < 0 || padded[end] != 0x02)
            throw new CryptographicException("The padding delimiter is not 0x02.");
        return padded[..end];
    }

    /// <summary>
    /// What a push service checks of <c>Authorization: vapid t=…, k=…</c>: the JWT is ES256 and verifies under
    /// <c>k</c>, <c>aud</c> is the endpoint's origin, <c>exp</c> is in the future and at most 24 hours away, and
    /// <c>sub</c> is a mailto: or https contact. Returns the claims; throws with the reason otherwise.
    /// </summary>
    public static VapidClaims VerifyVapid(string? authorization, string expectedAudience, DateTimeOffset now)
    {
        if (authorization is null || !authorization.StartsWith("vapid ", StringComparison.Ordinal))
            throw new InvalidOperationException("The Authorization header does not use the vapid scheme.");
        var parameters = authorization["vapid ".Length..].Split(',', StringSplitOptions.TrimEntries)
            .Select(p => p.Split('=', 2))
            .ToDictionary(p => p[0], p => p.Length == 2 ? p[1] : "");
        if (!parameters.TryGetValue("t", out var token) || !parameters.TryGetValue("k", out var k))
            throw new InvalidOperationException("The vapid scheme needs both t and k.");

        var parts = token.Split('.');
        if (parts.Length != 3)
            throw new InvalidOperationException("t is not a compact JWS.");
        using (var header = JsonDocument.Parse(FromBase64Url(parts[0])))
        {
            if (header.RootElement.GetProperty("alg").GetString() != "ES256")
                throw new InvalidOperationException("The VAPID token is not ES256.");
        }

        var publicKey = FromBase64Url(k);
        if (publicKey.Length != 65 || publicKey[0] != 0x04)
            throw new InvalidOperationException("k is not an uncompressed P-256 point.");
        using var ecdsa = ECDsa.Create(new ECParameters
        {
            Curve = ECCurve.NamedCurves.nistP256,
            Q = new ECPoint { X = publicKey[1..33], Y = publicKey[33..] },
        });
        if (!ecdsa.VerifyData(Encoding.ASCII.GetBytes($"{parts[0]}.{parts[1]}"), FromBase64Url(parts[2]), HashAlgorithmName.SHA256))
            throw new InvalidOperationException("The VAPID token's signature does not verify under k.");

        using var claims = JsonDocument.Parse(FromBase64Url(parts[1]));
        var root = claims.RootElement;
        var audience = root.GetProperty("aud").GetString();
        var expires = DateTimeOffset.FromUnixTimeSeconds(root.GetProperty("exp").GetInt64());
        var subject = root.TryGetProperty("sub", out var sub) ? sub.GetString() : null;
        if (audience != expectedAudience)
            throw new InvalidOperationException($"aud is '{audience}', not the endpoint's origin '{expectedAudience}'.");
        if (expires <= now || expires > now.AddHours(24))
            throw new InvalidOperationException($"exp {expires:O} is not within 24 hours of {now:O}.");
        if (subject is null || !(subject.StartsWith("mailto:", StringComparison.Ordinal) || subject.StartsWith("https://", StringComparison.Ordinal) || subject.StartsWith("http://localhost", StringComparison.Ordinal)))
            throw new InvalidOperationException($"sub '{subject}' is not a mailto: or https contact.");
        return new VapidClaims(audience!, expires, subject, k);
    }

    public void Dispose() => Key.Dispose();

    public static byte[] UncompressedPoint(ECParameters parameters) => [0x04, .. parameters.Q.X!, .. parameters.Q.Y!];

    public static string Base64Url(ReadOnlySpan<byte> data) => Convert.ToBase64String(data).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static byte[] FromBase64Url(string value)
    {
        var s = value.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(s.PadRight(s.Length + (4 - s.Length % 4) % 4, '='));
    }

    private static byte[] HmacSha256(byte[] key, byte[] data) => HMACSHA256.HashData(key, data);
}

public sealed record VapidClaims(string Audience, DateTimeOffset ExpiresAt, string Subject, string PublicKey);
