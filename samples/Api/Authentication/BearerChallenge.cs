using System.Text;

namespace Api.Authentication;

/// <summary>
/// <c>WWW-Authenticate: Bearer …</c> challenges: RFC 6750 §3 (<c>invalid_token</c>) and RFC 9470 §3
/// (<c>insufficient_user_authentication</c> with <c>acr_values</c> and/or <c>max_age</c>).
/// </summary>
public static class BearerChallenge
{
    public const string InvalidToken = "invalid_token";
    public const string InsufficientUserAuthentication = "insufficient_user_authentication";

    /// <summary>RFC 6750 §3.1: a request without any token gets the bare challenge, no error code.</summary>
    public static string Bare => AccessTokenDefaults.Scheme;

    public static string ForInvalidToken(string description) =>
        Format(InvalidToken, description, []);

    /// <summary>RFC 9449 §7.1: a DPoP challenge naming the accepted algorithms and the error.</summary>
    public static string ForInvalidDPoPProof(string description) =>
        $"DPoP algs=\"{string.Join(' ', DPoPProofValidator.Algorithms)}\", error=\"invalid_dpop_proof\", error_description={Quote(description)}";

    public static string ForInsufficientUserAuthentication(string description, string? acrValues, int? maxAgeSeconds)
    {
        var parameters = new List<KeyValuePair<string, string>>(2);
        if (acrValues is not null)
            parameters.Add(new("acr_values", acrValues));
        if (maxAgeSeconds is { } maxAge)
            parameters.Add(new("max_age", maxAge.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        return Format(InsufficientUserAuthentication, description, parameters);
    }

    private static string Format(string error, string description, IEnumerable<KeyValuePair<string, string>> parameters)
    {
        var header = new StringBuilder(AccessTokenDefaults.Scheme);
        header.Append(" error=").Append(Quote(error));
        header.Append(", error_description=").Append(Quote(description));
        foreach (var (name, value) in parameters)
            header.Append(", ").Append(name).Append('=').Append(Quote(value));
        return header.ToString();
    }

    /// <summary>
    /// RFC 6750 §3: error and error_description values are limited to %x20-21 / %x23-5B / %x5D-7E, so no quote or
    /// backslash needs escaping; anything outside that set is replaced rather than sent.
    /// </summary>
    private static string Quote(string value)
    {
        var quoted = new StringBuilder(value.Length + 2).Append('"');
        foreach (var c in value)
            quoted.Append(c is >= ' ' and <= '~' and not '"' and not '\\' ? c : '?');
        return quoted.Append('"').ToString();
    }
}
