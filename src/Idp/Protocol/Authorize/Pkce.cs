using System.Security.Cryptography;
using System.Text;
using Idp.Security;

namespace Idp.Protocol.Authorize;

/// <summary>RFC 7636 with the S256 method only.</summary>
public static class Pkce
{
    /// <summary>BASE64URL(SHA256(verifier)) is always 43 characters.</summary>
    public static bool IsValidS256Challenge(string challenge) => challenge.Length == 43 && challenge.All(IsBase64UrlChar);

    /// <summary>RFC 7636 §4.1: 43 to 128 unreserved characters.</summary>
    public static bool IsValidVerifier(string verifier) =>
        verifier.Length is >= 43 and <= 128 && verifier.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or '~');

    public static bool Verify(string verifier, string challenge) =>
        IsValidVerifier(verifier) && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(S256(verifier)), Encoding.ASCII.GetBytes(challenge));

    /// <summary>RFC 7636 §4.2: BASE64URL(SHA256(ASCII(verifier))), the challenge a valid verifier answers.</summary>
    public static string S256(string verifier)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.ASCII.GetBytes(verifier), hash);
        return Hashing.Base64Url(hash);
    }

    private static bool IsBase64UrlChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '-' or '_';
}
