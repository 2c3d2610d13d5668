using Microsoft.IdentityModel.Tokens;

namespace Idp.Protocol.Clients;

/// <summary>A client's JWKS document (RFC 7517) read into the public keys that may verify its assertions.</summary>
public static class ClientJwks
{
    /// <summary>
    /// The RSA and EC public keys meant for signatures. A document that is not JSON, has no such key or holds private
    /// key material is refused with a one-line reason: a private key in configuration is a leak, not a key.
    /// </summary>
    public static bool TryParse(string? json, out IReadOnlyList<JsonWebKey> keys, out string? error)
    {
        keys = [];
        error = null;
        if (string.IsNullOrWhiteSpace(json))
        {
            error = "the JWKS is empty";
            return false;
        }
        JsonWebKeySet set;
        try
        {
            set = new JsonWebKeySet(json);
        }
        catch (Exception exception) when (exception is ArgumentException or System.Text.Json.JsonException or InvalidOperationException)
        {
            error = "the JWKS is not a valid JSON Web Key Set (RFC 7517 §5: {\"keys\":[...]})";
            return false;
        }
        if (set.Keys.Any(k => k.HasPrivateKey || !string.IsNullOrEmpty(k.K)))
        {
            error = "the JWKS holds private or symmetric key material; give only the public keys";
            return false;
        }
        var usable = set.Keys
            .Where(k => k.Kty is JsonWebAlgorithmsKeyTypes.RSA or JsonWebAlgorithmsKeyTypes.EllipticCurve)
            .Where(k => string.IsNullOrEmpty(k.Use) || k.Use == JsonWebKeyUseNames.Sig)
            .ToList();
        if (usable.Count == 0)
        {
            error = "the JWKS has no RSA or EC signing key";
            return false;
        }
        keys = usable;
        return true;
    }
}
