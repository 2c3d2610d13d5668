using Microsoft.IdentityModel.Tokens;

namespace Idp.Protocol.Keys;

/// <summary>The token signing keys, from the database, cached in memory and refreshed so every node agrees.</summary>
public interface ISigningKeyStore
{
    /// <summary>The key that signs now with <paramref name="algorithm"/> (RS256 or ES256).</summary>
    ValueTask<SigningCredentials> GetSigningCredentialsAsync(string algorithm, CancellationToken cancellationToken = default);

    /// <summary>Every published key (for validating our own tokens: id_token_hint, access tokens).</summary>
    ValueTask<IReadOnlyList<SecurityKey>> GetValidationKeysAsync(CancellationToken cancellationToken = default);

    /// <summary>The JWKS document (RFC 7517), serialized once per key-set change.</summary>
    ValueTask<ReadOnlyMemory<byte>> GetJwksDocumentAsync(CancellationToken cancellationToken = default);
}
