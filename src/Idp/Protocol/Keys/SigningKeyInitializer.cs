namespace Idp.Protocol.Keys;

/// <summary>Makes sure every algorithm has a signing key before the first request (a fresh install signs at once).</summary>
public sealed class SigningKeyInitializer(SigningKeyManager manager) : IStartupInitializer
{
    public int Order => 10;

    public Task InitializeAsync(CancellationToken cancellationToken) => manager.EnsureKeysAsync(cancellationToken);
}
