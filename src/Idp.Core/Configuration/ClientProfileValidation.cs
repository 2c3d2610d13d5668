using Idp.Data.Entities;

namespace Idp.Configuration;

/// <summary>
/// What a declared client's <c>Profile</c> needs from its other settings. <c>Fapi2</c> (FAPI 2.0 Security Profile §5.3.2):
/// a confidential client with <c>private_key_jwt</c> (mTLS is not built), PKCE, and https redirect URIs (http on
/// loopback only in Development).
/// </summary>
internal static class ClientProfileValidation
{
    public static void Validate(ClientOptions client, string at, bool isDevelopment, List<string> failures)
    {
        if (client.Profile == ClientProfile.Default)
            return;
        if (!Enum.IsDefined(client.Profile))
        {
            failures.Add($"{at}:Profile '{client.Profile}' is unknown (Default or Fapi2).");
            return;
        }

        if (client.EffectiveAuthMethod != ClientAuthMethods.PrivateKeyJwt)
            failures.Add($"{at}:Profile Fapi2 needs TokenEndpointAuthMethod private_key_jwt with Jwks or JwksUri (was {client.EffectiveAuthMethod}; secrets, public clients and mTLS are not allowed).");
        if (!client.RequirePkce)
            failures.Add($"{at}:Profile Fapi2 requires PKCE; remove RequirePkce=false.");
        foreach (var uri in client.RedirectUris.Where(u => !IsHttps(u, isDevelopment)))
            failures.Add($"{at}:Profile Fapi2 allows only https redirect URIs ('{uri}' is not; http on loopback only in Development).");
    }

    private static bool IsHttps(string value, bool isDevelopment) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri)
        && (uri.Scheme == Uri.UriSchemeHttps || (isDevelopment && uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback));
}
