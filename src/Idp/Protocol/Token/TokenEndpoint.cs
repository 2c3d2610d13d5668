using Idp.Data.Entities;
using Idp.Protocol.Clients;
using Idp.Protocol.DPoP;

namespace Idp.Protocol.Token;

/// <summary>The token endpoint (RFC 6749 §3.2): authenticates the client, then hands the request to its grant.</summary>
public sealed class TokenEndpoint(
    ClientAuthenticator authenticator,
    AuthorizationCodeGrant authorizationCode,
    RefreshTokenGrant refreshToken,
    ClientCredentialsGrant clientCredentials,
    DPoPRequests dpop,
    Operations.IdpMetrics metrics)
{
    public async Task<IResult> HandleAsync(HttpContext http)
    {
        var (parameters, client, error) = await authenticator.ReadAsync(http);
        if (error is not null)
            return error;

        var grantType = parameters![Parameters.GrantType];
        if (grantType is null)
            return ProtocolResults.Error(new ProtocolError(Errors.InvalidRequest, "grant_type is missing."));
        if (grantType is not (GrantTypes.AuthorizationCode or GrantTypes.RefreshToken or GrantTypes.ClientCredentials))
            return ProtocolResults.Error(new ProtocolError(Errors.UnsupportedGrantType, "Supported: authorization_code, refresh_token, client_credentials."));
        if (!client!.AllowedGrantTypes.Contains(grantType))
            return ProtocolResults.Error(new ProtocolError(Errors.UnauthorizedClient, $"The client may not use {grantType}."));

        // RFC 9449 §5: the proof is checked before the grant spends its code or refresh token.
        var (jkt, dpopError) = await dpop.ForTokenRequestAsync(http, client);
        if (dpopError is not null)
            return dpopError;

        var result = grantType switch
        {
            GrantTypes.AuthorizationCode => await authorizationCode.ExecuteAsync(client!, parameters!, jkt, http.RequestAborted),
            GrantTypes.RefreshToken => await refreshToken.ExecuteAsync(client!, parameters!, jkt, http.RequestAborted),
            _ => await clientCredentials.ExecuteAsync(client!, parameters!, jkt, http.RequestAborted),
        };
        if (result.Response is not null)
            metrics.TokenIssued(grantType, client.ClientId);
        var response = result.Response is not null ? ProtocolResults.Json(result.Response) : ProtocolResults.Error(result.Error!);
        return jkt is null ? response : dpop.WithNonce(response);
    }
}

internal static class ClientExtensions
{
    public static bool MayRefresh(this Client client) => client.AllowedGrantTypes.Contains(GrantTypes.RefreshToken);
}
