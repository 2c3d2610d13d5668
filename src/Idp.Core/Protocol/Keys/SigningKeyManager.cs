using System.Data;
using System.Security.Cryptography;
using Idp.Configuration;
using Idp.Data;
using Idp.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Options;

namespace Idp.Protocol.Keys;

/// <summary>
/// What an administrator sees of a signing key (never key material). <paramref name="PublishedEverywhereAt"/>: by then
/// every node's JWKS lists it (created + <c>Idp:SigningKeys:RefreshInterval</c>); it signs from
/// <paramref name="ActivatesAt"/>, which for a rotated key is later by more than the JWKS cache time.
/// </summary>
public sealed record SigningKeyInfo(
    string KeyId,
    string Algorithm,
    DateTimeOffset CreatedAt,
    DateTimeOffset PublishedEverywhereAt,
    DateTimeOffset ActivatesAt,
    DateTimeOffset RetiresAt,
    DateTimeOffset ExpiresAt,
    bool IsSigning);

/// <summary>
/// Creates, rotates and deletes signing keys. Every change runs in a transaction that holds an exclusive lock
/// (a PostgreSQL advisory lock, a SQL Server application lock; on SQLite the <c>BEGIN IMMEDIATE</c> write lock) and re-reads the keys inside it,
/// so several nodes running this at once make one key, not one each. See README.md beside this file.
/// </summary>
public sealed partial class SigningKeyManager(
    IdpDbContext db,
    SecretProtector protector,
    SigningKeyStore store,
    TimeProvider timeProvider,
    IOptions<IdpOptions> options,
    ILogger<SigningKeyManager> logger)
{
    /// <summary>Arbitrary, fixed id of the PostgreSQL advisory lock that serializes key changes.</summary>
    private const long AdvisoryLockId = 0x4964705F4B657973; // "Idp_Keys"

    /// <summary>The name of the SQL Server application lock that serializes key changes.</summary>
    internal const string AppLockResource = "Idp_Keys";

    /// <summary>The least time a retired key stays published, whatever the clients' token lifetimes.</summary>
    internal static readonly TimeSpan MinimumRetention = TimeSpan.FromDays(1);

    private SigningKeyOptions KeyOptions => options.Value.SigningKeys;

    /// <summary>
    /// For each algorithm: makes a key if there is none (signing at once), makes the successor of the signing
    /// key once it retires within <see cref="SigningKeyOptions.PropagationTime"/> (plus one
    /// <see cref="SigningKeyOptions.CheckInterval"/>, so that a check that comes an interval late still publishes the
    /// successor a full propagation time before it signs), and deletes keys past their ExpiresAt. Idempotent.
    /// </summary>
    public async Task EnsureKeysAsync(CancellationToken cancellationToken = default)
    {
        var changed = await InExclusiveTransactionAsync(async ct =>
        {
            var now = timeProvider.GetUtcNow();
            var deleted = await db.SigningKeys.Where(k => k.ExpiresAt <= now).ExecuteDeleteAsync(ct);
            if (deleted > 0)
                LogKeysDeleted(deleted);

            var keys = await db.SigningKeys.ToListAsync(ct);
            var retention = await RetentionAsync(ct);
            var changed = deleted > 0;
            foreach (var key in keys.Where(k => k.ExpiresAt < k.RetiresAt + retention))
            {
                // Clients' token lifetimes grew: keep retired keys published until their tokens have expired.
                key.ExpiresAt = key.RetiresAt + retention;
                changed = true;
            }
            foreach (var algorithm in SigningAlgorithms.All)
                changed |= EnsureAlgorithm(keys, algorithm, now, retention);
            await db.SaveChangesAsync(ct);
            return changed;
        }, cancellationToken);

        if (changed)
            store.Invalidate();
    }

    /// <summary>
    /// Rotates now (the administrator's "rotate now"). The new key is published at once but signs only after
    /// <see cref="SigningKeyOptions.PropagationTime"/>, when the current key retires: a key that signed at once would
    /// not yet be in the JWKS that relying parties have cached, and their validation would fail. A successor that
    /// was waiting (never signed) is replaced. This is a rotation, not a revocation of a compromised key.
    /// </summary>
    public async Task<SigningKeyInfo> RotateNowAsync(string algorithm, CancellationToken cancellationToken = default)
    {
        if (!SigningAlgorithms.IsSupported(algorithm))
            throw new ArgumentException($"Unsupported signing algorithm '{algorithm}' (RS256 or ES256).", nameof(algorithm));

        var created = await InExclusiveTransactionAsync(async ct =>
        {
            var now = timeProvider.GetUtcNow();
            var keys = await db.SigningKeys.Where(k => k.Algorithm == algorithm && k.ExpiresAt > now).ToListAsync(ct);
            var retention = await RetentionAsync(ct);

            // Waiting successors never signed anything: they can go.
            var waiting = keys.Where(k => k.ActivatesAt > now).ToList();
            db.SigningKeys.RemoveRange(waiting);
            keys.RemoveAll(waiting.Contains);

            var current = SigningKeySelection.Select(keys, algorithm, now);
            SigningKey key;
            if (current is null)
            {
                key = CreateKey(algorithm, now, activatesAt: now, retention);
            }
            else
            {
                var activatesAt = now + KeyOptions.PropagationTime;
                foreach (var signing in keys.Where(k => k.ActivatesAt <= now && (k.RetiresAt > activatesAt || k == current)))
                {
                    signing.RetiresAt = activatesAt;
                    signing.ExpiresAt = activatesAt + retention;
                }
                key = CreateKey(algorithm, now, activatesAt, retention);
            }
            await db.SaveChangesAsync(ct);
            LogRotatedNow(algorithm, key.Id, key.ActivatesAt);
            return ToInfo(key, now);
        }, cancellationToken);

        store.Invalidate();
        return created;
    }

    /// <summary>Every stored key, newest first, with whether it signs now.</summary>
    public async Task<IReadOnlyList<SigningKeyInfo>> GetKeysAsync(CancellationToken cancellationToken = default)
    {
        var now = timeProvider.GetUtcNow();
        var keys = await db.SigningKeys.AsNoTracking().ToListAsync(cancellationToken);
        return keys.OrderBy(k => k.Algorithm, StringComparer.Ordinal).ThenByDescending(k => k.ActivatesAt)
            .Select(k => ToInfo(k, now, keys))
            .ToList();
    }

    private bool EnsureAlgorithm(List<SigningKey> keys, string algorithm, DateTimeOffset now, TimeSpan retention)
    {
        var current = SigningKeySelection.Select(keys, algorithm, now);
        if (current is null)
        {
            var first = CreateKey(algorithm, now, activatesAt: now, retention);
            keys.Add(first);
            LogKeyCreated(algorithm, first.Id, first.ActivatesAt);
            return true;
        }

        var changed = false;
        if (current.RetiresAt <= now)
        {
            // Late (the rotation did not run in time): nothing is active, so the newest key, already retired, still
            // signs. Keep it signing until a successor has been published for the propagation time.
            current.RetiresAt = now + KeyOptions.PropagationTime;
            current.ExpiresAt = current.RetiresAt + retention;
            LogRotationLate(algorithm, current.Id);
            changed = true;
        }

        var hasSuccessor = keys.Any(k => k.Algorithm == algorithm && k.ActivatesAt > current.ActivatesAt && k.ExpiresAt > now);
        if (!hasSuccessor && current.RetiresAt - now <= KeyOptions.PropagationTime + KeyOptions.CheckInterval)
        {
            var successor = CreateKey(algorithm, now, activatesAt: current.RetiresAt, retention);
            keys.Add(successor);
            LogKeyCreated(algorithm, successor.Id, successor.ActivatesAt);
            changed = true;
        }
        return changed;
    }

    private SigningKey CreateKey(string algorithm, DateTimeOffset now, DateTimeOffset activatesAt, TimeSpan retention)
    {
        var generated = SigningKeyMaterial.Generate(algorithm);
        string protectedPrivateKey;
        try
        {
            protectedPrivateKey = protector.Protect(generated.Pkcs8PrivateKey);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(generated.Pkcs8PrivateKey);
        }

        var retiresAt = activatesAt + KeyOptions.RotationInterval;
        var key = new SigningKey
        {
            Id = generated.KeyId,
            Algorithm = algorithm,
            PublicJwk = generated.PublicJwk,
            ProtectedPrivateKey = protectedPrivateKey,
            CreatedAt = now,
            ActivatesAt = activatesAt,
            RetiresAt = retiresAt,
            ExpiresAt = retiresAt + retention,
        };
        db.SigningKeys.Add(key);
        return key;
    }

    /// <summary>
    /// How long a retired key stays published: the longest lifetime of a token it signed (the clients' access and
    /// ID token lifetimes, at least <see cref="MinimumRetention"/>, so an expired id_token_hint still verifies for a
    /// while) plus the tolerated clock skew.
    /// </summary>
    private async Task<TimeSpan> RetentionAsync(CancellationToken cancellationToken)
    {
        var accessToken = await db.Clients.Select(c => (int?)c.AccessTokenLifetimeSeconds).MaxAsync(cancellationToken) ?? 0;
        var idToken = await db.Clients.Select(c => (int?)c.IdTokenLifetimeSeconds).MaxAsync(cancellationToken) ?? 0;
        var longest = TimeSpan.FromSeconds(Math.Max(accessToken, idToken));
        return (longest > MinimumRetention ? longest : MinimumRetention) + options.Value.Tokens.ClockSkew;
    }

    private async Task<T> InExclusiveTransactionAsync<T>(Func<CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        var strategy = db.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(async ct =>
        {
            db.ChangeTracker.Clear();
            await using var transaction = await BeginExclusiveAsync(ct);
            var result = await work(ct);
            await transaction.CommitAsync(ct);
            return result;
        }, cancellationToken);
    }

    private async Task<IDbContextTransaction> BeginExclusiveAsync(CancellationToken cancellationToken)
    {
        if (db is PostgresIdpDbContext)
        {
            // Read committed: every statement after the lock sees what the previous holder committed.
            var transaction = await db.Database.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken);
            await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({AdvisoryLockId})", cancellationToken);
            return transaction;
        }
        if (db is SqlServerIdpDbContext)
        {
            // sp_getapplock owned by the transaction: released by commit or rollback. It returns a negative status
            // instead of raising when the lock is not granted (deadlock victim, cancelled), so that is turned into an error.
            var transaction = await db.Database.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken);
            await db.Database.ExecuteSqlAsync($"""
                DECLARE @result int;
                EXEC @result = sp_getapplock @Resource = {AppLockResource}, @LockMode = 'Exclusive', @LockOwner = 'Transaction', @LockTimeout = -1;
                IF @result < 0 THROW 50000, 'The signing key lock was not granted.', 1;
                """, cancellationToken);
            return transaction;
        }
        // Microsoft.Data.Sqlite starts a serializable transaction with BEGIN IMMEDIATE: the database's write lock.
        return await db.Database.BeginTransactionAsync(IsolationLevel.Serializable, cancellationToken);
    }

    private SigningKeyInfo ToInfo(SigningKey key, DateTimeOffset now, IEnumerable<SigningKey>? all = null) =>
        new(key.Id, key.Algorithm, key.CreatedAt, KeyOptions.PublishedEverywhereAt(key.CreatedAt), key.ActivatesAt, key.RetiresAt, key.ExpiresAt,
            IsSigning: all is not null && SigningKeySelection.Select(all, key.Algorithm, now) == key);

    [LoggerMessage(EventId = 5010, Level = LogLevel.Information, Message = "Created {Algorithm} signing key {KeyId}, signing from {ActivatesAt:O}")]
    private partial void LogKeyCreated(string algorithm, string keyId, DateTimeOffset activatesAt);

    [LoggerMessage(EventId = 5011, Level = LogLevel.Information, Message = "Deleted {Count} expired signing keys")]
    private partial void LogKeysDeleted(int count);

    [LoggerMessage(EventId = 5012, Level = LogLevel.Warning, Message = "Rotation of the {Algorithm} signing key {KeyId} is late: it keeps signing until its successor has propagated")]
    private partial void LogRotationLate(string algorithm, string keyId);

    [LoggerMessage(EventId = 5013, Level = LogLevel.Warning, Message = "{Algorithm} signing keys rotated on request: {KeyId} signs from {ActivatesAt:O}")]
    private partial void LogRotatedNow(string algorithm, string keyId, DateTimeOffset activatesAt);
}
