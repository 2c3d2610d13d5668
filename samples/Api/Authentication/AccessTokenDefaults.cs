namespace Api.Authentication;

public static class AccessTokenDefaults
{
    /// <summary>The authentication scheme that reads <c>Authorization: Bearer …</c> (RFC 6750 §2.1).</summary>
    public const string Scheme = "Bearer";

    /// <summary>RFC 9068 §2.1: JWT access tokens carry <c>typ: at+jwt</c> (the long form is allowed too).</summary>
    public static readonly IReadOnlyList<string> TokenTypes = ["at+jwt", "application/at+jwt"];

    /// <summary>The algorithms Idp signs with; anything else (HS256, none) is refused.</summary>
    public static readonly IReadOnlyList<string> Algorithms = ["RS256", "ES256"];

    public static readonly TimeSpan ClockSkew = TimeSpan.FromSeconds(30);
}
