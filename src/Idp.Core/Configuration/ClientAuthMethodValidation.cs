using Idp.Data.Entities;
using Idp.Protocol.Clients;

namespace Idp.Configuration;

/// <summary>
/// A declared client's authentication method and what it needs (RFC 6749 §2.3: one method per client): a secret for
/// the secret methods, exactly one of <c>Jwks</c>/<c>JwksUri</c> and no secret for <c>private_key_jwt</c>, nothing for <c>none</c>.
/// </summary>
internal static class ClientAuthMethodValidation
{
    public static void Validate(ClientOptions client, string at, bool isDevelopment, List<string> failures)
    {
        var method = client.EffectiveAuthMethod;
        var hasSecret = client.Secret is not null || client.SecretHash is not null;
        var hasKeys = client.Jwks is not null || client.JwksUri is not null;
        if (!ClientAuthMethods.All.Contains(method))
        {
            failures.Add($"{at}:TokenEndpointAuthMethod '{method}' is unknown (one of {string.Join(", ", ClientAuthMethods.All)}).");
            return;
        }
        if (!hasSecret && method is ClientAuthMethods.ClientSecretBasic or ClientAuthMethods.ClientSecretPost)
            failures.Add($"{at}: {method} needs a Secret or SecretHash.");
        if (hasSecret && method is ClientAuthMethods.PrivateKeyJwt or ClientAuthMethods.None)
            failures.Add($"{at}: a client with TokenEndpointAuthMethod {method} must not have a Secret or SecretHash.");
        if (method != ClientAuthMethods.PrivateKeyJwt)
        {
            if (hasKeys)
                failures.Add($"{at}: Jwks and JwksUri are only for TokenEndpointAuthMethod private_key_jwt.");
            return;
        }

        if ((client.Jwks is null) == (client.JwksUri is null))
            failures.Add($"{at}: private_key_jwt needs exactly one of Jwks or JwksUri.");
        if (client.Jwks is not null && !ClientJwks.TryParse(client.Jwks, out _, out var error))
            failures.Add($"{at}:Jwks: {error}.");
        if (client.JwksUri is not null
            && (!Uri.TryCreate(client.JwksUri, UriKind.Absolute, out var uri) || !string.IsNullOrEmpty(uri.Fragment)
                || !(uri.Scheme == Uri.UriSchemeHttps || (uri.Scheme == Uri.UriSchemeHttp && isDevelopment))))
        {
            failures.Add($"{at}:JwksUri must be an absolute https URL (http only in Development).");
        }
    }
}
