namespace Idp.Protocol.Keys;

/// <summary>
/// Makes sure every algorithm has a signing key before the first request (a fresh install signs at once), and
/// stops start-up if the stored keys cannot be used, e.g. because <c>Idp:KeyEncryptionKey</c> changed.
/// </summary>
public sealed class SigningKeyInitializer(SigningKeyManager manager, ISigningKeyStore store) : IStartupInitializer
{
    public int Order => 10;

    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await manager.EnsureKeysAsync(cancellationToken);
        foreach (var algorithm in SigningAlgorithms.All)
        {
            try
            {
                await store.GetSigningCredentialsAsync(algorithm, cancellationToken);
            }
            catch (InvalidOperationException exception)
            {
                throw new InvalidOperationException(
                    $"No usable {algorithm} signing key: the stored keys cannot be decrypted with Idp:KeyEncryptionKey. "
                    + "If the key-encryption key was changed, list the new key first and the old one after it, separated by a comma.",
                    exception);
            }
        }
    }
}
