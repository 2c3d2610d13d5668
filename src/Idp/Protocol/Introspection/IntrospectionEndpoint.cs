using Idp.Data;
using Idp.Protocol.Clients;
using Idp.Protocol.DPoP;
using Idp.Protocol.Token;
using Idp.Protocol.Tokens;
using Microsoft.EntityFrameworkCore;

namespace Idp.Protocol.Introspection;

/// <summary>
/// RFC 7662, for confidential clients (resource servers). Access tokens of any client may be introspected;
/// refresh tokens only by the client that holds them. Anything else is <c>{"active":false}</c>.
/// </summary>
public sealed class IntrospectionEndpoint(ClientAuthenticator authenticator, IdpDbContext db, OwnTokenValidator validator, TimeProvider clock)
{
    private static readonly Dictionary<string, object> Inactive = new() { ["active"] = false };

    public async Task<IResult> HandleAsync(HttpContext http)
    {
        var (parameters, authenticated, error) = await authenticator.ReadAsync(http);
        if (error is not null)
            return error;
        var client = authenticated!;
        if (client.IsPublic)
            return ProtocolResults.InvalidClient("Introspection is for confidential clients.", basicAttempted: false);
        var token = parameters![Parameters.Token];
        if (token is null)
            return ProtocolResults.Error(new ProtocolError(Errors.InvalidRequest, "token is missing."));

        if (await validator.ValidateAccessTokenAsync(token, cancellationToken: http.RequestAborted) is { } access)
        {
            var jwt = access.Token;
            var jkt = DPoPKeys.BoundThumbprint(jwt);
            var response = new Dictionary<string, object>
            {
                ["active"] = true,
                ["token_type"] = jkt is null ? "Bearer" : "DPoP",
                ["client_id"] = access.ClientId,
                ["sub"] = access.Subject,
                ["iss"] = jwt.Issuer,
                ["aud"] = jwt.Audiences.ToArray(),
                ["jti"] = access.TokenId,
                ["exp"] = access.ExpiresAt.ToUnixTimeSeconds(),
                ["iat"] = new DateTimeOffset(jwt.IssuedAt, TimeSpan.Zero).ToUnixTimeSeconds(),
            };
            if (access.Scopes.Count > 0)
                response["scope"] = string.Join(' ', access.Scopes);
            foreach (var claim in new[] { "auth_time", "acr", "sid" })
            {
                if (jwt.TryGetPayloadValue<object>(claim, out var value))
                    response[claim] = value;
            }
            if (jwt.TryGetPayloadValue<string[]>("amr", out var amr))
                response["amr"] = amr;
            // RFC 9449 §6.2, RFC 7800 §3.1: the key the token is bound to, for the resource server to check the proof.
            if (jkt is not null)
                response["cnf"] = DPoPKeys.Confirmation(jkt);
            return ProtocolResults.Json(response);
        }

        var refreshId = RefreshTokenFormat.StorageId(token);
        var refresh = await db.RefreshTokens.AsNoTracking().FirstOrDefaultAsync(t => t.Id == refreshId, http.RequestAborted);
        if (refresh is not null && refresh.ClientId == client.ClientId && refresh.ConsumedAt is null
            && refresh.RevokedAt is null && refresh.ExpiresAt > clock.GetUtcNow())
        {
            var response = new Dictionary<string, object>
            {
                ["active"] = true,
                ["token_type"] = "refresh_token",
                ["client_id"] = refresh.ClientId,
                ["sub"] = refresh.SubjectId,
                ["scope"] = refresh.Scope,
                ["exp"] = refresh.ExpiresAt.ToUnixTimeSeconds(),
                ["iat"] = refresh.CreatedAt.ToUnixTimeSeconds(),
            };
            if (refresh.DPoPJkt is not null)
                response["cnf"] = DPoPKeys.Confirmation(refresh.DPoPJkt);
            return ProtocolResults.Json(response);
        }
        return ProtocolResults.Json(Inactive);
    }
}
