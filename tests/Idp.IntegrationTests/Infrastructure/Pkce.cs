using System.Security.Cryptography;
using System.Text;

namespace Idp.IntegrationTests.Infrastructure;

/// <summary>A PKCE pair (RFC 7636): a random verifier and its S256 challenge.</summary>
public sealed record Pkce(string Verifier, string Challenge)
{
    public const string Method = "S256";

    public static Pkce Create()
    {
        var verifier = Base64Url(RandomNumberGenerator.GetBytes(32));
        return new Pkce(verifier, ChallengeOf(verifier));
    }

    public static string ChallengeOf(string verifier) => Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));

    /// <summary>A random value for <c>state</c> or <c>nonce</c>.</summary>
    public static string RandomValue() => Base64Url(RandomNumberGenerator.GetBytes(16));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

/// <summary>Builds a URL with query parameters: <c>Url.With("/authorize", ("client_id", "portal"), ("scope", "openid"))</c>.</summary>
public static class Url
{
    public static string With(string path, params (string Name, string? Value)[] parameters)
    {
        var query = string.Join("&", parameters.Where(p => p.Value is not null).Select(p => $"{Uri.EscapeDataString(p.Name)}={Uri.EscapeDataString(p.Value!)}"));
        return query.Length == 0 ? path : $"{path}{(path.Contains('?') ? '&' : '?')}{query}";
    }
}
