using Idp.Security;

namespace Idp.Protocol.Token;

/// <summary>
/// A refresh token is its issue time (milliseconds since 1970, 12 hex digits), <c>~</c> and 256 random bits; it is
/// stored under that time followed by the SHA-256 of the whole token. So the keys of new tokens sort by issue time:
/// a rotation inserts at the primary key's right edge, where the group committed with it inserts too, instead of
/// into a random page of it, and the checkpoint copies those pages once per round. The time is no secret (the
/// client knows when it got the token); the lookup still needs the whole token's hash.
/// <para>
/// Tokens issued before this format (no <c>~</c>; base64url has none) are stored under their hash alone and are
/// still found under it.
/// </para>
/// </summary>
public static class RefreshTokenFormat
{
    private const int TimeDigits = 12;
    private const char Separator = '~';

    public static string New(DateTimeOffset now) =>
        now.ToUnixTimeMilliseconds() is var milliseconds and >= 0 and < 1L << (4 * TimeDigits)
            ? $"{milliseconds:x12}{Separator}{Hashing.RandomToken(32)}"
            : Hashing.RandomToken(32);

    /// <summary>The key a presented token is stored under (whatever it is: a token never issued is found under none).</summary>
    public static string StorageId(string token) =>
        token.Length > TimeDigits && token[TimeDigits] == Separator
            ? string.Concat(token.AsSpan(0, TimeDigits), Hashing.Sha256(token))
            : Hashing.Sha256(token);
}
