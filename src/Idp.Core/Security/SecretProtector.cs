using System.Security.Cryptography;
using System.Text;
using Idp.Configuration;
using Microsoft.Extensions.Options;

namespace Idp.Security;

/// <summary>
/// Encrypts secrets at rest (signing keys, TOTP secrets) with AES-256-GCM under the configured
/// key-encryption key. The stored form names the key it was made with, so keys can be rotated.
/// </summary>
public sealed class SecretProtector
{
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private readonly (string Id, byte[] Key)[] _keys;

    public SecretProtector(IOptions<IdpOptions> options, IHostEnvironment environment)
    {
        var configured = options.Value.KeyEncryptionKey;
        var keys = string.IsNullOrWhiteSpace(configured)
            ? [DevelopmentKey(environment)]
            : configured.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(Convert.FromBase64String).ToArray();
        _keys = keys.Select(key => (KeyId(key), key)).ToArray();
    }

    public string Protect(ReadOnlySpan<byte> plaintext)
    {
        var (id, key) = _keys[0];
        var output = new byte[NonceSize + plaintext.Length + TagSize];
        var nonce = output.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(key, TagSize);
        aes.Encrypt(nonce, plaintext, output.AsSpan(NonceSize, plaintext.Length), output.AsSpan(NonceSize + plaintext.Length), Encoding.ASCII.GetBytes(id));
        return $"{id}:{Convert.ToBase64String(output)}";
    }

    public string Protect(string plaintext) => Protect(Encoding.UTF8.GetBytes(plaintext));

    public byte[] Unprotect(string protectedValue)
    {
        var separator = protectedValue.IndexOf(':');
        if (separator <= 0)
            throw new CryptographicException("The protected value has no key id.");
        var id = protectedValue[..separator];
        var key = _keys.FirstOrDefault(k => k.Id == id).Key
            ?? throw new CryptographicException($"The key '{id}' that protected this value is not configured in Idp:KeyEncryptionKey.");
        var data = Convert.FromBase64String(protectedValue[(separator + 1)..]);
        if (data.Length < NonceSize + TagSize)
            throw new CryptographicException("The protected value is truncated.");
        var plaintext = new byte[data.Length - NonceSize - TagSize];
        using var aes = new AesGcm(key, TagSize);
        aes.Decrypt(data.AsSpan(0, NonceSize), data.AsSpan(NonceSize, plaintext.Length), data.AsSpan(data.Length - TagSize), plaintext, Encoding.ASCII.GetBytes(id));
        return plaintext;
    }

    public string UnprotectString(string protectedValue) => Encoding.UTF8.GetString(Unprotect(protectedValue));

    private static string KeyId(byte[] key) => Convert.ToHexStringLower(SHA256.HashData(key).AsSpan(0, 4));

    /// <summary>In Development only: a key kept in a file beside the database, made on first start.</summary>
    private static byte[] DevelopmentKey(IHostEnvironment environment)
    {
        var path = Path.Combine(environment.ContentRootPath, "App_Data", "development-kek.txt");
        if (File.Exists(path))
            return Convert.FromBase64String(File.ReadAllText(path).Trim());
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var key = RandomNumberGenerator.GetBytes(32);
        File.WriteAllText(path, Convert.ToBase64String(key));
        return key;
    }
}
