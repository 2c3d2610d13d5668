using Idp.Configuration;
using Idp.Testing;

namespace Idp.IntegrationTests.Infrastructure;

/// <summary>
/// Two (or more) Idp nodes on ONE database with the same key-encryption key and the same clock, as behind a load
/// balancer: start a sign-in on <see cref="NodeA"/> and finish it on <see cref="NodeB"/> with
/// <c>browser.UseNode(cluster.NodeB)</c>. Configure every node alike with <see cref="Configure"/> before the first
/// request. Disposing stops the nodes and deletes the database.
/// </summary>
public sealed class IdpCluster : IAsyncDisposable
{
    private readonly List<IdpFactory> _nodes;

    public IdpCluster(int nodes = 2, DatabaseProvider? provider = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(nodes, 2);
        Database = provider is { } p ? TestDatabase.Create(p) : TestDatabase.Create();
        KeyEncryptionKey = IdpFactory.NewKeyEncryptionKey();
        Clock = FakeTimeProvider.StartingNow();
        _nodes = Enumerable.Range(0, nodes)
            .Select(i => new IdpFactory(Database, ownsDatabase: false, KeyEncryptionKey, Clock, ((char)('A' + i)).ToString()))
            .ToList();
    }

    public TestDatabase Database { get; }
    public string KeyEncryptionKey { get; }

    /// <summary>The one clock of every node.</summary>
    public FakeTimeProvider Clock { get; }

    public IReadOnlyList<IdpFactory> Nodes => _nodes;
    public IdpFactory NodeA => _nodes[0];
    public IdpFactory NodeB => _nodes[1];

    /// <summary>Applies the same configuration (clients, settings, services) to every node.</summary>
    public IdpCluster Configure(Action<IdpFactory> configure)
    {
        foreach (var node in _nodes)
            configure(node);
        return this;
    }

    /// <summary>
    /// Starts the nodes one after the other, so the first applies the migrations and the others find them done
    /// (two nodes migrating one empty database at once is not what the tests are about).
    /// </summary>
    public IdpCluster Start()
    {
        foreach (var node in _nodes)
            node.Start();
        return this;
    }

    /// <summary>A browser on node A (switch with <see cref="BrowserClient.UseNode"/>); starts the cluster.</summary>
    public BrowserClient CreateBrowser()
    {
        Start();
        return NodeA.CreateBrowser();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in _nodes)
            await node.DisposeAsync();
        Database.Dispose();
    }
}
