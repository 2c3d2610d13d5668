using Idp.Data;
using Idp.Protocol.Clients;
using Idp.Protocol.Token;
using Idp.Protocol.Tokens;
using Microsoft.EntityFrameworkCore;

namespace Idp.Protocol.Revocation;

/// <summary>
/// RFC 7009. Revoking a refresh token revokes its whole grant (§2.1); revoking an access token revokes that
/// token. Unknown tokens, and tokens of other clients, get the same 200 (§2.2), so nothing is revealed.
/// </summary>
public sealed class RevocationEndpoint(ClientAuthenticator authenticator, IdpDbContext db, OwnTokenValidator validator, TokenRevoker revoker)
{
    public async Task<IResult> HandleAsync(HttpContext http)
    {
        var (parameters, authenticated, error) = await authenticator.ReadAsync(http);
        if (error is not null)
            return error;
        var client = authenticated!;
        var token = parameters![Parameters.Token];
        if (token is null)
            return ProtocolResults.Error(new ProtocolError(Errors.InvalidRequest, "token is missing."));

        // token_type_hint only orders the look-ups (§2.1); an unknown hint is not an error.
        var refreshId = RefreshTokenFormat.StorageId(token);
        var refresh = parameters[Parameters.TokenTypeHint] != "access_token" || !token.Contains('.')
            ? await db.RefreshTokens.AsNoTracking().FirstOrDefaultAsync(t => t.Id == refreshId, http.RequestAborted)
            : null;
        if (refresh is not null)
        {
            if (refresh.ClientId == client.ClientId)
                await revoker.RevokeFamilyAsync(refresh.SubjectId, refresh.FamilyId, http.RequestAborted);
        }
        else if (await validator.ValidateAccessTokenAsync(token, checkLifetime: false, http.RequestAborted) is { } access && access.ClientId == client.ClientId)
        {
            await revoker.RevokeAccessTokenAsync(access.TokenId, access.ExpiresAt, http.RequestAborted);
        }
        http.Response.Headers.CacheControl = "no-store";
        return Results.Ok();
    }
}
