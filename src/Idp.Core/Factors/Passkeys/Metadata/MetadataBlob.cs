using System.Buffers.Text;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Fido2NetLib;
using Fido2NetLib.Serialization;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Idp.Factors.Passkeys.Metadata;

/// <summary>
/// Reads a FIDO Metadata Service (MDS3) BLOB offline: a JWT whose header's <c>x5c</c> chain must end in the trusted
/// root (GlobalSign Root CA – R3 for the FIDO Alliance) and whose signature is the chain's leaf key's. Fido2's own
/// reader downloads the BLOB and the CRLs itself; this one needs no network, so revocation of the signing
/// certificates is not checked (the BLOB's <c>no</c> must still grow, see <see cref="PasskeyMetadata"/>).
/// </summary>
public static class MetadataBlob
{
    /// <summary>The FIDO Alliance's MDS3 root, GlobalSign Root CA – R3 (valid until 2029-03-18).</summary>
    public const string FidoRootBase64 =
        "MIIDXzCCAkegAwIBAgILBAAAAAABIVhTCKIwDQYJKoZIhvcNAQELBQAwTDEgMB4GA1UECxMXR2xvYmFsU2lnbiBSb290IENBIC0gUjMxEzARBgNVBAoTCkdsb2JhbFNp" +
        "Z24xEzARBgNVBAMTCkdsb2JhbFNpZ24wHhcNMDkwMzE4MTAwMDAwWhcNMjkwMzE4MTAwMDAwWjBMMSAwHgYDVQQLExdHbG9iYWxTaWduIFJvb3QgQ0EgLSBSMzETMBEG" +
        "A1UEChMKR2xvYmFsU2lnbjETMBEGA1UEAxMKR2xvYmFsU2lnbjCCASIwDQYJKoZIhvcNAQEBBQADggEPADCCAQoCggEBAMwldpB5BngiFvXAg7aEyiie/QV2EcWtiHL8" +
        "RgJDx7KKnQRfJMsuS+FggkbhUqsMgUdwbN1k0ev1LKMPgj0MK66X17YUhhB5uzsTgHeMCOFJ0mpiLx9e+pZo34knlTifBtc+ycsmWQ1z3rDI6SYOgxXG71uL0gRgykmm" +
        "KPZpO/bLyCiR5Z2KYVc3rHQU3HTgOu5yLy6c+9C7v/U9AOEGM+iCK65TpjoWc4zdQQ4gOsC0p6Hpsk+QLjJg6VfLuQSSaGjlOCZgdbKfd/+RFO+uIEn8rUAVSNECMWEZ" +
        "XriX7613t2Saer9fwRPvm2L7DWzgVGkWqQPabumDk3F2xmmFghcCAwEAAaNCMEAwDgYDVR0PAQH/BAQDAgEGMA8GA1UdEwEB/wQFMAMBAf8wHQYDVR0OBBYEFI/wS3+o" +
        "LkUkrk1Q+mOai97i3Ru8MA0GCSqGSIb3DQEBCwUAA4IBAQBLQNvAUKr+yAzv95ZURUm7lgAJQayzE4aGKAczymvmdLm6AC2upArT9fHxD4q/c2dKg8dEe3jgr25sbwMp" +
        "jjM5RcOO5LlXbKr8EpbsU8Yt5CRsuZRj+9xTaGdWPoO4zzUhw8lo/s7awlOqzJCK6fBdRoyV3XpYKBovHd7NADdBj+1EbddTKJd+82cEHhXXipa0095MJ6RMG3NzdvQX" +
        "mcIfeg7jLQitChws/zyrVQ4PkX4268NXSb7hLi18YIvDQVETI53O9zJrlAGomecsMx86OyXShkDOOyyGeMlhLxS67ttVb9+E7gUJTb0o2HLO02JQZR7rkpeDMdmztcpH" +
        "WD9f";

    /// <summary>The BLOB's entries when its chain ends in <paramref name="root"/> and its signature verifies; otherwise throws <see cref="InvalidDataException"/>.</summary>
    public static async Task<MetadataBLOBPayload> ReadAsync(string jwt, X509Certificate2 root, DateTimeOffset now)
    {
        jwt = jwt.Trim();
        var parts = jwt.Split('.');
        if (parts.Length != 3)
            throw new InvalidDataException("The metadata BLOB is not a JWT.");
        var chain = ChainOf(parts[0]);
        if (!ChainsTo(chain, root, now))
            throw new InvalidDataException("The metadata BLOB's certificate chain does not end in the trusted root.");

        var leafKey = chain[0].GetECDsaPublicKey() is { } ec ? (SecurityKey)new ECDsaSecurityKey(ec)
            : chain[0].GetRSAPublicKey() is { } rsa ? new RsaSecurityKey(rsa)
            : throw new InvalidDataException("The metadata BLOB's signing key is neither EC nor RSA.");
        var result = await new JsonWebTokenHandler { MaximumTokenSizeInBytes = jwt.Length + 1 }.ValidateTokenAsync(jwt, new TokenValidationParameters
        {
            ValidateIssuer = false,
            ValidateAudience = false,
            ValidateLifetime = false,
            IssuerSigningKey = leafKey,
            ValidAlgorithms = ["RS256", "ES256", "PS256", "ES384", "RS384"],
        });
        if (!result.IsValid)
            throw new InvalidDataException("The metadata BLOB's signature does not verify.");
        var payload = JsonSerializer.Deserialize(Base64Url.DecodeFromChars(((JsonWebToken)result.SecurityToken).EncodedPayload),
            FidoModelSerializerContext.Default.MetadataBLOBPayload) ?? throw new InvalidDataException("The metadata BLOB has no payload.");
        return payload;
    }

    private static X509Certificate2[] ChainOf(string encodedHeader)
    {
        try
        {
            using var header = JsonDocument.Parse(Base64Url.DecodeFromChars(encodedHeader));
            if (!header.RootElement.TryGetProperty("x5c", out var x5c) || x5c.ValueKind != JsonValueKind.Array || x5c.GetArrayLength() == 0)
                throw new InvalidDataException("The metadata BLOB's header has no x5c chain.");
            return x5c.EnumerateArray().Select(c => X509CertificateLoader.LoadCertificate(Convert.FromBase64String(c.GetString() ?? ""))).ToArray();
        }
        catch (Exception e) when (e is JsonException or FormatException or System.Security.Cryptography.CryptographicException)
        {
            throw new InvalidDataException("The metadata BLOB's header is malformed.", e);
        }
    }

    private static bool ChainsTo(X509Certificate2[] certificates, X509Certificate2 root, DateTimeOffset now)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(root);
        chain.ChainPolicy.ExtraStore.AddRange(certificates[1..]);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationTime = now.UtcDateTime;
        chain.ChainPolicy.VerificationTimeIgnored = false;
        return chain.Build(certificates[0]);
    }
}
