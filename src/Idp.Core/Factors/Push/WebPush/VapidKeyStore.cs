using System.Security.Cryptography;
using Idp.Data;
using Idp.Data.Entities;
using Idp.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Idp.Factors.Push.WebPush;

/// <summary>
/// The VAPID key: from <c>Idp:Push:Vapid</c> when configured, otherwise the one row of <c>WebPushVapidKeys</c>
/// (made by the first node that needs it, its private key encrypted by <see cref="SecretProtector"/>). Loaded once and
/// kept: the key never rotates by itself, because every stored subscription is bound to it.
/// </summary>
public sealed partial class VapidKeyStore(
    IOptions<WebPushOptions> options,
    IServiceScopeFactory scopeFactory,
    SecretProtector protector,
    TimeProvider timeProvider,
    ILogger<VapidKeyStore> logger) : IDisposable
{
    private readonly SemaphoreSlim _lock = new(1, 1);
    private VapidKey? _key;

    public async ValueTask<VapidKey> GetKeyAsync(CancellationToken cancellationToken = default)
    {
        if (Volatile.Read(ref _key) is { } key)
            return key;
        await _lock.WaitAsync(cancellationToken);
        try
        {
            _key ??= await LoadAsync(cancellationToken);
            return _key;
        }
        finally
        {
            _lock.Release();
        }
    }

    private async Task<VapidKey> LoadAsync(CancellationToken cancellationToken)
    {
        var configured = options.Value;
        if (!string.IsNullOrWhiteSpace(configured.PublicKey) && !string.IsNullOrWhiteSpace(configured.PrivateKey))
            return VapidKey.FromBase64Url(configured.PublicKey, configured.PrivateKey);

        await using var scope = scopeFactory.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<IdpDbContext>();
        if (await FindAsync(db, cancellationToken) is { } stored)
            return Decrypt(stored);

        using var fresh = VapidKey.Generate();
        var scalar = fresh.ExportPrivateScalar();
        try
        {
            db.WebPushVapidKeys.Add(new WebPushVapidKey
            {
                PublicKey = fresh.PublicKeyBase64Url,
                ProtectedPrivateKey = protector.Protect(scalar),
                CreatedAt = timeProvider.GetUtcNow(),
            });
            await db.SaveChangesAsync(cancellationToken);
            LogKeyCreated();
        }
        catch (DbUpdateException)
        {
            // Another node made it first: use theirs, so all nodes sign with the same key.
            db.ChangeTracker.Clear();
        }
        finally
        {
            CryptographicOperations.ZeroMemory(scalar);
        }

        var row = await FindAsync(db, cancellationToken)
            ?? throw new InvalidOperationException("The VAPID key could not be stored.");
        return Decrypt(row);
    }

    private static Task<WebPushVapidKey?> FindAsync(IdpDbContext db, CancellationToken cancellationToken) =>
        db.WebPushVapidKeys.AsNoTracking().SingleOrDefaultAsync(k => k.Id == WebPushVapidKey.CurrentId, cancellationToken);

    private VapidKey Decrypt(WebPushVapidKey row)
    {
        var scalar = protector.Unprotect(row.ProtectedPrivateKey);
        try
        {
            var key = VapidKey.FromPrivateScalar(scalar);
            if (key.PublicKeyBase64Url != row.PublicKey)
            {
                key.Dispose();
                throw new CryptographicException("The stored VAPID public key does not belong to its private key.");
            }
            return key;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(scalar);
        }
    }

    public void Dispose()
    {
        _key?.Dispose();
        _lock.Dispose();
    }

    [LoggerMessage(EventId = 2250, Level = LogLevel.Information, Message = "A VAPID key for Web Push was made and stored")]
    private partial void LogKeyCreated();
}

/// <summary>Loads (or makes) the VAPID key at start-up, so a key that cannot be decrypted stops start-up with a clear message.</summary>
public sealed class VapidKeyInitializer(VapidKeyStore store) : IStartupInitializer
{
    public int Order => 20;

    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        try
        {
            await store.GetKeyAsync(cancellationToken);
        }
        catch (CryptographicException exception)
        {
            throw new InvalidOperationException(
                "The stored VAPID key (Web Push) cannot be decrypted with Idp:KeyEncryptionKey. If the key-encryption key was changed, "
                + "list the new key first and the old one after it, separated by a comma; or configure Idp:Push:Vapid:PublicKey/PrivateKey.",
                exception);
        }
    }
}
