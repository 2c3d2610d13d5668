using System.Text.Json;
using Idp.Authentication;
using Idp.Configuration;
using Idp.Data.Entities;
using Idp.Protocol.Keys;
using Idp.Protocol.Tokens;
using Microsoft.Extensions.Options;

namespace Idp.Protocol.Discovery;

/// <summary>
/// OpenID Connect Discovery 1.0 §3 and RFC 8414. Everything advertised here works; the document is built once.
/// </summary>
public sealed class DiscoveryEndpoint(IOptions<IdpOptions> options)
{
    private readonly Lazy<byte[]> _document = new(() => JsonSerializer.SerializeToUtf8Bytes(Build(options.Value.Issuer)));

    public IResult Handle(HttpContext http)
    {
        http.Response.Headers.CacheControl = "public, max-age=3600";
        return Results.Bytes(_document.Value, "application/json");
    }

    public static Dictionary<string, object> Build(string issuer) => new()
    {
        ["issuer"] = issuer,
        ["authorization_endpoint"] = issuer + EndpointPaths.Authorize,
        ["token_endpoint"] = issuer + EndpointPaths.Token,
        ["userinfo_endpoint"] = issuer + EndpointPaths.UserInfo,
        ["jwks_uri"] = issuer + EndpointPaths.Jwks,
        ["end_session_endpoint"] = issuer + EndpointPaths.EndSession,
        ["revocation_endpoint"] = issuer + EndpointPaths.Revocation,
        ["introspection_endpoint"] = issuer + EndpointPaths.Introspection,
        ["pushed_authorization_request_endpoint"] = issuer + EndpointPaths.PushedAuthorization,
        ["require_pushed_authorization_requests"] = false,
        ["scopes_supported"] = new[] { Scopes.OpenId, Scopes.Profile, Scopes.Email, Scopes.OfflineAccess, Scopes.Roles },
        ["response_types_supported"] = new[] { "code" },
        ["response_modes_supported"] = new[] { ResponseModes.Query, ResponseModes.FormPost },
        ["grant_types_supported"] = new[] { GrantTypes.AuthorizationCode, GrantTypes.RefreshToken, GrantTypes.ClientCredentials },
        ["subject_types_supported"] = new[] { "public" },
        ["id_token_signing_alg_values_supported"] = new[] { "RS256", "ES256" },
        ["token_endpoint_auth_methods_supported"] = new[] { "client_secret_basic", "client_secret_post", "private_key_jwt", "none" },
        ["token_endpoint_auth_signing_alg_values_supported"] = ClientAuthMethods.AssertionAlgorithms,
        ["revocation_endpoint_auth_methods_supported"] = new[] { "client_secret_basic", "client_secret_post", "private_key_jwt", "none" },
        ["revocation_endpoint_auth_signing_alg_values_supported"] = ClientAuthMethods.AssertionAlgorithms,
        ["introspection_endpoint_auth_methods_supported"] = new[] { "client_secret_basic", "client_secret_post", "private_key_jwt" },
        ["introspection_endpoint_auth_signing_alg_values_supported"] = ClientAuthMethods.AssertionAlgorithms,
        ["dpop_signing_alg_values_supported"] = DPoP.DPoPKeys.Algorithms,
        ["code_challenge_methods_supported"] = new[] { "S256" },
        ["prompt_values_supported"] = new[] { PromptValues.None, PromptValues.Login, PromptValues.Consent },
        ["acr_values_supported"] = AuthenticationLevels.Supported,
        ["claims_supported"] = UserClaims.Supported.Concat(["iss", "aud", "exp", "iat", "nonce", "azp", "at_hash"]).ToArray(),
        ["claim_types_supported"] = new[] { "normal" },
        ["claims_parameter_supported"] = true,
        ["request_parameter_supported"] = false,
        // Discovery §3: the default is true, so say that request objects by reference are not fetched.
        ["request_uri_parameter_supported"] = false,
        ["authorization_response_iss_parameter_supported"] = true,
        ["ui_locales_supported"] = new[] { "de", "en", "nl" },
        ["display_values_supported"] = new[] { "page", "popup", "touch", "wap" },
        ["backchannel_logout_supported"] = true,
        ["backchannel_logout_session_supported"] = true,
    };
}

/// <summary>
/// The JWKS (RFC 7517). Its max-age (<c>Idp:SigningKeys:JwksMaxAge</c>) is shorter than the time between a key's
/// publication and its first use (checked at start-up), so a relying party's cached copy never lacks a signing key.
/// </summary>
public sealed class JwksEndpoint(ISigningKeyStore keys, IOptions<IdpOptions> options)
{
    private readonly string _cacheControl = $"public, max-age={(long)options.Value.SigningKeys.JwksMaxAge.TotalSeconds}";

    public async Task<IResult> HandleAsync(HttpContext http)
    {
        var document = await keys.GetJwksDocumentAsync(http.RequestAborted);
        http.Response.Headers.CacheControl = _cacheControl;
        return Results.Bytes(document, "application/json");
    }
}
