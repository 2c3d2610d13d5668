namespace Idp.Protocol.Keys;

/// <summary>The JWS algorithms Idp signs with (RFC 7518 §3.1); each has its own key and rotation.</summary>
public static class SigningAlgorithms
{
    public const string RS256 = "RS256";
    public const string ES256 = "ES256";

    public static IReadOnlyList<string> All { get; } = [RS256, ES256];

    public static bool IsSupported(string algorithm) => algorithm is RS256 or ES256;
}
