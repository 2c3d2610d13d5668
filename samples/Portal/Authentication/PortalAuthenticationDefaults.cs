namespace Portal.Authentication;

public static class PortalAuthenticationDefaults
{
    /// <summary>The portal's own session cookie.</summary>
    public const string CookieScheme = "PortalSession";

    /// <summary>The OpenID Connect handler that signs in through Idp.</summary>
    public const string IdpScheme = "Idp";

    /// <summary>The name under which the ID token is saved with the session (for id_token_hint at sign-out).</summary>
    public const string IdTokenName = "id_token";
}
