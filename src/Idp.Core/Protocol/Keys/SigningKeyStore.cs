using System.Security.Cryptography;
using Idp.Configuration;
using Idp.Data;
using Idp.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace Idp.Protocol.Keys;

/// <summary>
/// The signing keys, loaded from the database, decrypted once and kept in memory. The hot path
/// (<see cref="GetSigningCredentialsAsync"/>) reads an immutable snapshot and neither queries nor allocates; the
/// snapshot is reloaded at most every <see cref="SigningKeyOptions.RefreshInterval"/> (so nodes agree without restarts, and a
/// key the admin area made in the database is published within that time), at once when
/// a key activates, retires or expires, and when <see cref="Invalidate"/> is called after a change on this node.
/// While one caller reloads, the others go on with the previous snapshot; if a reload fails the previous
/// snapshot stays in use and the reload is retried after <see cref="RetryDelay"/>.
/// </summary>
public sealed partial class SigningKeyStore(
    IServiceScopeFactory scopeFactory,
    SecretProtector protector,
    TimeProvider timeProvider,
    IOptions<IdpOptions> options,
    ILogger<SigningKeyStore> logger) : ISigningKeyStore
{
    /// <summary>Upper bound on how stale a node's view of the keys is.</summary>
    private readonly TimeSpan _refreshInterval = options.Value.SigningKeys.RefreshInterval;

    internal static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(5);

    /// <summary>How often an unknown algorithm may force a reload (a fresh install whose keys another node just made).</summary>
    private static readonly TimeSpan MinimumForcedReloadInterval = TimeSpan.FromSeconds(1);

    private readonly CryptoProviderFactory _cryptoProviderFactory = new() { CacheSignatureProviders = true };
    private readonly SemaphoreSlim _reloadLock = new(1, 1);
    private volatile Snapshot? _snapshot;
    private int _version;

    public ValueTask<SigningCredentials> GetSigningCredentialsAsync(string algorithm, CancellationToken cancellationToken = default)
    {
        var snapshot = _snapshot;
        if (snapshot is not null && IsFresh(snapshot) && snapshot.CredentialsFor(algorithm) is { } credentials)
            return new ValueTask<SigningCredentials>(credentials);
        return GetSigningCredentialsSlowAsync(algorithm, cancellationToken);
    }

    public ValueTask<IReadOnlyList<SecurityKey>> GetValidationKeysAsync(CancellationToken cancellationToken = default)
    {
        var snapshot = _snapshot;
        return snapshot is not null && IsFresh(snapshot)
            ? new ValueTask<IReadOnlyList<SecurityKey>>(snapshot.ValidationKeys)
            : GetValidationKeysSlowAsync(cancellationToken);
    }

    public ValueTask<ReadOnlyMemory<byte>> GetJwksDocumentAsync(CancellationToken cancellationToken = default)
    {
        var snapshot = _snapshot;
        return snapshot is not null && IsFresh(snapshot)
            ? new ValueTask<ReadOnlyMemory<byte>>(snapshot.Jwks)
            : GetJwksDocumentSlowAsync(cancellationToken);
    }

    /// <summary>Makes the next call reload from the database (called after this node changed the keys).</summary>
    public void Invalidate() => Interlocked.Increment(ref _version);

    private bool IsFresh(Snapshot snapshot) =>
        snapshot.Version == Volatile.Read(ref _version) && timeProvider.GetUtcNow() < snapshot.ReloadAt;

    private async ValueTask<SigningCredentials> GetSigningCredentialsSlowAsync(string algorithm, CancellationToken cancellationToken)
    {
        if (!SigningAlgorithms.IsSupported(algorithm))
            throw new ArgumentException($"Unsupported signing algorithm '{algorithm}' (RS256 or ES256).", nameof(algorithm));
        var snapshot = await GetSnapshotAsync(force: false, cancellationToken);
        if (snapshot.CredentialsFor(algorithm) is { } credentials)
            return credentials;
        snapshot = await GetSnapshotAsync(force: true, cancellationToken);
        return snapshot.CredentialsFor(algorithm)
            ?? throw new InvalidOperationException($"There is no {algorithm} signing key: the signing key initializer (SigningKeyManager.EnsureKeysAsync) has not run.");
    }

    private async ValueTask<IReadOnlyList<SecurityKey>> GetValidationKeysSlowAsync(CancellationToken cancellationToken) =>
        (await GetSnapshotAsync(force: false, cancellationToken)).ValidationKeys;

    private async ValueTask<ReadOnlyMemory<byte>> GetJwksDocumentSlowAsync(CancellationToken cancellationToken) =>
        (await GetSnapshotAsync(force: false, cancellationToken)).Jwks;

    private async Task<Snapshot> GetSnapshotAsync(bool force, CancellationToken cancellationToken)
    {
        var current = _snapshot;
        if (current is not null && !force)
        {
            // Someone else is reloading: go on with the keys we have (they are at most seconds past a transition,
            // and a just-retired key is still published, so tokens it signs still validate).
            if (!await _reloadLock.WaitAsync(0, cancellationToken))
                return current;
        }
        else
        {
            await _reloadLock.WaitAsync(cancellationToken);
        }

        try
        {
            var now = timeProvider.GetUtcNow();
            current = _snapshot;
            if (current is not null && current.Version == Volatile.Read(ref _version)
                && (force ? now - current.LoadedAt < MinimumForcedReloadInterval : now < current.ReloadAt))
            {
                return current;
            }

            try
            {
                var fresh = await LoadAsync(current, cancellationToken);
                _snapshot = fresh;
                return fresh;
            }
            catch (Exception exception) when (current is not null && exception is not OperationCanceledException)
            {
                LogReloadFailed(exception);
                var retry = current with { ReloadAt = now + RetryDelay, Version = Volatile.Read(ref _version) };
                _snapshot = retry;
                return retry;
            }
        }
        finally
        {
            _reloadLock.Release();
        }
    }

    private async Task<Snapshot> LoadAsync(Snapshot? previous, CancellationToken cancellationToken)
    {
        var version = Volatile.Read(ref _version);
        var now = timeProvider.GetUtcNow();
        List<SigningKey> rows;
        await using (var scope = scopeFactory.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<IdpDbContext>();
            rows = await db.SigningKeys.AsNoTracking().Where(k => k.ExpiresAt > now).ToListAsync(cancellationToken);
        }

        // Newest first in every list: the JWKS, the validation keys.
        rows.Sort((a, b) => string.CompareOrdinal(a.Algorithm, b.Algorithm) is var byAlgorithm and not 0
            ? byAlgorithm
            : b.ActivatesAt.CompareTo(a.ActivatesAt) is var byActivation and not 0 ? byActivation : string.CompareOrdinal(a.Id, b.Id));

        var material = new Dictionary<string, CachedMaterial>(StringComparer.Ordinal);
        var usable = new List<SigningKey>(rows.Count);
        foreach (var row in rows)
        {
            if (previous?.Material.TryGetValue(row.Id, out var cached) == true && cached.ProtectedPrivateKey == row.ProtectedPrivateKey)
            {
                material[row.Id] = cached;
                usable.Add(row);
                continue;
            }
            try
            {
                material[row.Id] = new CachedMaterial(row.ProtectedPrivateKey, Decrypt(row));
                usable.Add(row);
            }
            catch (Exception exception) when (exception is CryptographicException or FormatException)
            {
                // One unreadable key (e.g. its key-encryption key was removed) must not take the others down.
                LogKeyUnusable(row.Id, row.Algorithm, exception.GetType().Name);
            }
        }

        var rs256 = SigningKeySelection.Select(usable, SigningAlgorithms.RS256, now);
        var es256 = SigningKeySelection.Select(usable, SigningAlgorithms.ES256, now);

        var keyIds = usable.Select(k => k.Id).ToArray();
        var jwks = previous is not null && previous.KeyIds.AsSpan().SequenceEqual(keyIds)
            ? previous.Jwks
            : SigningKeyMaterial.SerializeJwks(usable.Select(k => material[k.Id].Loaded.Jwk).ToArray());

        var snapshot = new Snapshot(
            Version: version,
            LoadedAt: now,
            ReloadAt: Min(now + _refreshInterval, NextTransition(usable, now)),
            Rs256: rs256 is null ? null : material[rs256.Id].Loaded.Credentials,
            Es256: es256 is null ? null : material[es256.Id].Loaded.Credentials,
            ValidationKeys: usable.Select(k => material[k.Id].Loaded.ValidationKey).ToArray(),
            Jwks: jwks,
            KeyIds: keyIds,
            Material: material);

        if (previous is null || previous.Rs256?.Kid != snapshot.Rs256?.Kid || previous.Es256?.Kid != snapshot.Es256?.Kid
            || !previous.KeyIds.AsSpan().SequenceEqual(keyIds))
            LogKeysLoaded(keyIds.Length, snapshot.Rs256?.Kid, snapshot.Es256?.Kid);
        return snapshot;
    }

    private LoadedSigningKeyMaterial Decrypt(SigningKey row)
    {
        var pkcs8 = protector.Unprotect(row.ProtectedPrivateKey);
        try
        {
            return SigningKeyMaterial.Load(row.Id, row.Algorithm, pkcs8, _cryptoProviderFactory);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(pkcs8);
        }
    }

    /// <summary>The next instant at which the choice of signing key or the published set changes.</summary>
    private static DateTimeOffset NextTransition(List<SigningKey> keys, DateTimeOffset now)
    {
        var next = DateTimeOffset.MaxValue;
        foreach (var key in keys)
        {
            foreach (var instant in (ReadOnlySpan<DateTimeOffset>)[key.ActivatesAt, key.RetiresAt, key.ExpiresAt])
            {
                if (instant > now && instant < next)
                    next = instant;
            }
        }
        return next;
    }

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    private sealed record CachedMaterial(string ProtectedPrivateKey, LoadedSigningKeyMaterial Loaded);

    private sealed record Snapshot(
        int Version,
        DateTimeOffset LoadedAt,
        DateTimeOffset ReloadAt,
        SigningCredentials? Rs256,
        SigningCredentials? Es256,
        IReadOnlyList<SecurityKey> ValidationKeys,
        ReadOnlyMemory<byte> Jwks,
        string[] KeyIds,
        Dictionary<string, CachedMaterial> Material)
    {
        public SigningCredentials? CredentialsFor(string algorithm) => algorithm switch
        {
            SigningAlgorithms.RS256 => Rs256,
            SigningAlgorithms.ES256 => Es256,
            _ => null,
        };
    }

    [LoggerMessage(EventId = 5000, Level = LogLevel.Information, Message = "Signing keys loaded: {Count} published, RS256 signs with {Rs256KeyId}, ES256 with {Es256KeyId}")]
    private partial void LogKeysLoaded(int count, string? rs256KeyId, string? es256KeyId);

    [LoggerMessage(EventId = 5001, Level = LogLevel.Error, Message = "Signing key {KeyId} ({Algorithm}) cannot be decrypted or imported ({ErrorType}); it is left out")]
    private partial void LogKeyUnusable(string keyId, string algorithm, string errorType);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Warning, Message = "Reloading the signing keys failed; the keys loaded before stay in use")]
    private partial void LogReloadFailed(Exception exception);
}
