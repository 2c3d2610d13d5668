using Idp.Data.Entities;

namespace Idp.Protocol.Clients;

/// <summary>
/// What a client's <see cref="ClientProfile"/> demands, asked in one place by the endpoints. <c>Fapi2</c> is the FAPI 2.0
/// Security Profile (final), §5.3.2: the authorization-server rules Idp can enforce per client.
/// </summary>
public static class ClientProfiles
{
    /// <summary>FAPI 2.0 §5.3.2.2 item 13: authorization codes live at most 60 seconds.</summary>
    public static readonly TimeSpan Fapi2MaxAuthorizationCodeLifetime = TimeSpan.FromSeconds(60);

    public static bool IsFapi2(Client client) => client.Profile == ClientProfile.Fapi2;

    /// <summary>
    /// RFC 9126 §5 (<c>require_pushed_authorization_requests</c> as client metadata), FAPI 2.0 §5.3.2.2 items 3 to 5:
    /// the authorization endpoint takes this client's requests only by a <c>request_uri</c> from PAR.
    /// </summary>
    public static bool RequiresPushedAuthorizationRequests(Client client) => IsFapi2(client);

    /// <summary>RFC 7636 with S256 (the only method Idp knows): for public clients, clients that ask for it, and FAPI 2.0 §5.3.2.2 item 6.</summary>
    public static bool RequiresPkce(Client client) => client.RequirePkce || client.IsPublic || IsFapi2(client);

    /// <summary>FAPI 2.0 §5.3.2.2 item 7: a pushed request must name its redirect URI, even when only one is registered.</summary>
    public static bool RequiresRedirectUriParameter(Client client) => IsFapi2(client);

    /// <summary>
    /// FAPI 2.0 §5.3.2.1 items 4 and 5: access tokens are sender-constrained (Idp: DPoP, RFC 9449). The token endpoint
    /// refuses a request of such a client without a DPoP proof.
    /// </summary>
    public static bool RequiresSenderConstraint(Client client) => IsFapi2(client);

    /// <summary>FAPI 2.0 §5.3.2.1 item 6: the client authenticates with <c>private_key_jwt</c> (mTLS is not built).</summary>
    public static bool AllowsAuthMethod(Client client, string method) => !IsFapi2(client) || method == ClientAuthMethods.PrivateKeyJwt;

    /// <summary>
    /// FAPI 2.0 §5.3.2.1 item 8: the audience of a client assertion is the issuer identifier, as a single string; the
    /// endpoint URLs other clients may use are refused.
    /// </summary>
    public static bool AcceptsOnlyIssuerAsAssertionAudience(Client client) => IsFapi2(client);

    /// <summary>
    /// FAPI 2.0 §5.3.2.2 item 9: authorization responses only over https (plain http to a loopback address, a
    /// native app on the same machine, is what RFC 8252 allows and Development uses).
    /// </summary>
    public static bool AcceptsRedirectUri(Client client, string redirectUri) =>
        !IsFapi2(client) || (Uri.TryCreate(redirectUri, UriKind.Absolute, out var uri)
            && (uri.Scheme == Uri.UriSchemeHttps || (uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback)));

    /// <summary>How long a code issued to this client lives: the configured lifetime, at most 60 s for <c>Fapi2</c>.</summary>
    public static TimeSpan AuthorizationCodeLifetime(Client client, TimeSpan configured) =>
        IsFapi2(client) && configured > Fapi2MaxAuthorizationCodeLifetime ? Fapi2MaxAuthorizationCodeLifetime : configured;
}
