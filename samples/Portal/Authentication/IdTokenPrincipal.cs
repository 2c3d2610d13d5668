using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Portal.Authentication;

/// <summary>The portal's user: the ID token's claims about the user, under their JWT names (sub, name, email, acr, amr, auth_time, sid, …).</summary>
public static class IdTokenPrincipal
{
    /// <summary>Claims about the token itself rather than the user; they stay in the saved ID token.</summary>
    private static readonly HashSet<string> ProtocolClaims =
    [
        JwtRegisteredClaimNames.Iss, JwtRegisteredClaimNames.Aud, JwtRegisteredClaimNames.Exp, JwtRegisteredClaimNames.Iat,
        JwtRegisteredClaimNames.Nbf, JwtRegisteredClaimNames.Nonce, JwtRegisteredClaimNames.Azp, JwtRegisteredClaimNames.Jti,
        "at_hash", "c_hash", "s_hash",
    ];

    public static ClaimsPrincipal Create(JsonWebToken idToken, string authenticationType)
    {
        var claims = idToken.Claims.Where(claim => !ProtocolClaims.Contains(claim.Type));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, authenticationType, nameType: "name", roleType: "role"));
    }
}
