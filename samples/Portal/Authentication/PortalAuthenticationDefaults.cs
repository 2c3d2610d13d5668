namespace Portal.Authentication;

public static class PortalAuthenticationDefaults
{
    /// <summary>The portal's own session cookie.</summary>
    public const string CookieScheme = "PortalSession";

    /// <summary>The OAuth handler that signs in through Idp.</summary>
    public const string IdpScheme = "Idp";

    /// <summary>The nonce of an authorization request; an AuthenticationProperties item, so it travels inside the protected state.</summary>
    public const string NonceItem = ".nonce";

    /// <summary>The name under which the ID token is saved with the session (for id_token_hint at sign-out).</summary>
    public const string IdTokenName = "id_token";

    /// <summary>
    /// OAuthOptions insists on endpoints at start-up, but Idp's endpoints come from discovery at request time
    /// (see <see cref="IdpOAuthHandler"/>). This value is never sent anywhere.
    /// </summary>
    public const string EndpointFromDiscovery = "urn:portal:endpoint-from-discovery";
}
