using System.Buffers.Binary;
using System.Security.Cryptography;
using Idp.Configuration;
using Idp.Security;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace Idp.Protocol.DPoP;

/// <summary>
/// Server-provided nonces (RFC 9449 §8, §9), stateless: the issue time protected with the data-protection keys every
/// node shares, so any node accepts a nonce another node gave out, for <c>Idp:DPoP:NonceLifetime</c>.
/// </summary>
public sealed class DPoPNonces(IDataProtectionProvider protection, IOptions<IdpOptions> options, TimeProvider clock)
{
    public const string HeaderName = "DPoP-Nonce";

    private readonly IDataProtector _protector = protection.CreateProtector("Idp.Protocol.DPoP.Nonce");

    public bool Required => options.Value.DPoP.RequireNonce;

    public string Create()
    {
        var payload = new byte[8];
        BinaryPrimitives.WriteInt64BigEndian(payload, clock.GetUtcNow().ToUnixTimeSeconds());
        return Hashing.Base64Url(_protector.Protect(payload));
    }

    public bool IsValid(string? nonce)
    {
        if (string.IsNullOrEmpty(nonce) || nonce.Length > 512)
            return false;
        byte[] payload;
        try
        {
            payload = _protector.Unprotect(Base64UrlEncoder.DecodeBytes(nonce));
        }
        catch (Exception exception) when (exception is CryptographicException or FormatException or ArgumentException)
        {
            return false;
        }
        if (payload.Length != 8)
            return false;
        var issuedAt = DateTimeOffset.FromUnixTimeSeconds(BinaryPrimitives.ReadInt64BigEndian(payload));
        var now = clock.GetUtcNow();
        var settings = options.Value.DPoP;
        return issuedAt - settings.ClockSkew <= now && now < issuedAt + settings.NonceLifetime;
    }
}
