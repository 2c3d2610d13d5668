using Idp.Data.Entities;
using Idp.Protocol.Tokens;
using Idp.Security;

namespace Idp.Protocol.Token;

/// <summary>RFC 6749 §4.4: a confidential client gets an access token for itself; no user, no ID token, no refresh token.</summary>
public sealed class ClientCredentialsGrant(TokenIssuer issuer)
{
    public async Task<GrantResult> ExecuteAsync(Client client, RequestParameters parameters, string? dpopThumbprint, CancellationToken cancellationToken)
    {
        if (client.IsPublic)
            return GrantResult.Fail(Errors.UnauthorizedClient, "A public client cannot use client_credentials.");

        var allowed = client.AllowedScopes.Where(s => !Scopes.UserScopes.Contains(s)).ToArray();
        var scopes = allowed;
        if (parameters[Parameters.Scope] is { } requested)
        {
            scopes = requested.Split(' ', StringSplitOptions.RemoveEmptyEntries).Distinct().ToArray();
            if (scopes.FirstOrDefault(s => !allowed.Contains(s)) is { } refused)
                return GrantResult.Fail(Errors.InvalidScope, Scopes.UserScopes.Contains(refused)
                    ? $"'{refused}' needs a user; client_credentials has none."
                    : "The client may not request that scope.");
        }

        var accessToken = await issuer.CreateAccessTokenAsync(client, client.ClientId, scopes, null, Hashing.RandomToken(16), cancellationToken, dpopThumbprint: dpopThumbprint);
        return new GrantResult(new TokenResponse(accessToken, TokenTypes.For(dpopThumbprint), client.AccessTokenLifetimeSeconds, scopes.Length == 0 ? null : string.Join(' ', scopes), null, null), null);
    }
}
