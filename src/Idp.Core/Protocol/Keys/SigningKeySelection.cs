using Idp.Data.Entities;

namespace Idp.Protocol.Keys;

/// <summary>The one rule that picks the signing key, shared by the store and the rotation logic so they agree.</summary>
internal static class SigningKeySelection
{
    /// <summary>
    /// Among <paramref name="keys"/> of one algorithm that are published (now &lt; ExpiresAt): the active one
    /// (ActivatesAt &lt;= now &lt; RetiresAt) with the newest ActivatesAt. If none is active (the rotation is late), the
    /// newest key that has signed before (a retired one), since a key that has not reached its ActivatesAt may not be
    /// in every relying party's JWKS yet. Only if there is no such key (a fresh install seen by a node whose clock is a
    /// little behind) the newest published one, so Idp can always sign. Ties break on CreatedAt, then on the kid, so
    /// every node picks the same key even if two were made at once.
    /// </summary>
    public static SigningKey? Select(IEnumerable<SigningKey> keys, string algorithm, DateTimeOffset now)
    {
        SigningKey? active = null, retired = null, newest = null;
        foreach (var key in keys)
        {
            if (key.Algorithm != algorithm || key.ExpiresAt <= now)
                continue;
            if (IsNewer(key, newest))
                newest = key;
            if (key.ActivatesAt <= now && now < key.RetiresAt && IsNewer(key, active))
                active = key;
            if (key.ActivatesAt <= now && IsNewer(key, retired))
                retired = key;
        }
        return active ?? retired ?? newest;
    }

    private static bool IsNewer(SigningKey key, SigningKey? than) =>
        than is null
        || key.ActivatesAt > than.ActivatesAt
        || (key.ActivatesAt == than.ActivatesAt && key.CreatedAt > than.CreatedAt)
        || (key.ActivatesAt == than.ActivatesAt && key.CreatedAt == than.CreatedAt && string.CompareOrdinal(key.Id, than.Id) > 0);
}
