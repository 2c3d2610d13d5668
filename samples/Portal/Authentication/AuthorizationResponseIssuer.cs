using Microsoft.Extensions.Primitives;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace Portal.Authentication;

/// <summary>
/// RFC 9207 §2.4: the <c>iss</c> parameter of an authorization response must name the issuer the request went to
/// (simple string comparison); when the server announces <c>authorization_response_iss_parameter_supported</c>,
/// a response without it is rejected too. Checked before the code is redeemed.
/// </summary>
public static class AuthorizationResponseIssuer
{
    /// <returns>Null when the response may be used, otherwise why not.</returns>
    public static string? Validate(StringValues iss, OpenIdConnectConfiguration configuration)
    {
        if (StringValues.IsNullOrEmpty(iss))
        {
            return configuration.AuthorizationResponseIssParameterSupported
                ? "The authorization response has no iss parameter although Idp announces it (RFC 9207)."
                : null;
        }

        if (iss.Count != 1)
            return "The authorization response has more than one iss parameter.";

        return string.Equals(iss[0], configuration.Issuer, StringComparison.Ordinal)
            ? null
            : "The authorization response's iss parameter does not name Idp (RFC 9207; a mix-up attempt?).";
    }
}
