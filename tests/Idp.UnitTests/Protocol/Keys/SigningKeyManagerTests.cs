using Idp.Configuration;
using Idp.Data.Entities;
using Idp.Protocol.Keys;
using Microsoft.EntityFrameworkCore;

namespace Idp.UnitTests.Protocol.Keys;

public sealed class SigningKeyManagerTests
{
    private static readonly SigningKeyOptions Defaults = new();
    private static readonly TimeSpan DefaultRetention = SigningKeyManager.MinimumRetention + new TokenOptions().ClockSkew;

    [Fact]
    public async Task EnsureKeys_EmptyStore_CreatesOneKeyPerAlgorithmSigningAtOnce()
    {
        await using var host = await KeysTestHost.CreateAsync();

        await host.EnsureKeysAsync();

        var keys = await AllKeysAsync(host);
        Assert.Equal(["ES256", "RS256"], keys.Select(k => k.Algorithm).Order());
        Assert.All(keys, key =>
        {
            Assert.Equal(KeysTestHost.Start, key.ActivatesAt);
            Assert.Equal(KeysTestHost.Start + Defaults.RotationInterval, key.RetiresAt);
            Assert.Equal(key.RetiresAt + DefaultRetention, key.ExpiresAt);
        });
        Assert.Equal(keys.Single(k => k.Algorithm == "RS256").Id, (await host.Store.GetSigningCredentialsAsync("RS256")).Kid);
        Assert.Equal(keys.Single(k => k.Algorithm == "ES256").Id, (await host.Store.GetSigningCredentialsAsync("ES256")).Kid);
    }

    [Fact]
    public async Task EnsureKeys_RunAgain_ChangesNothing()
    {
        await using var host = await KeysTestHost.CreateAsync();
        await host.EnsureKeysAsync();
        var before = await AllKeysAsync(host);

        host.Clock.Advance(TimeSpan.FromHours(5));
        await host.EnsureKeysAsync();

        var after = await AllKeysAsync(host);
        Assert.Equal(before.Select(k => (k.Id, k.RetiresAt, k.ExpiresAt)).Order(), after.Select(k => (k.Id, k.RetiresAt, k.ExpiresAt)).Order());
    }

    [Fact]
    public async Task EnsureKeys_BeforeThePropagationWindow_CreatesNoSuccessor()
    {
        await using var host = await KeysTestHost.CreateAsync();
        await host.EnsureKeysAsync();

        host.Clock.Set(KeysTestHost.Start + Defaults.RotationInterval - Defaults.PropagationTime - Defaults.CheckInterval - TimeSpan.FromSeconds(1));
        await host.EnsureKeysAsync();

        Assert.Equal(2, (await AllKeysAsync(host)).Count);
    }

    [Fact]
    public async Task EnsureKeys_AtRetirementMinusPropagationTime_PublishesSuccessorThatSignsFromRetirement()
    {
        await using var host = await KeysTestHost.CreateAsync();
        await host.EnsureKeysAsync();
        var first = (await AllKeysAsync(host)).Single(k => k.Algorithm == "RS256");

        host.Clock.Set(first.RetiresAt - Defaults.PropagationTime);
        await host.EnsureKeysAsync();

        var keys = await AllKeysAsync(host);
        Assert.Equal(4, keys.Count);
        var successor = keys.Single(k => k.Algorithm == "RS256" && k.Id != first.Id);
        Assert.Equal(first.RetiresAt, successor.ActivatesAt);
        Assert.Equal(first.RetiresAt + Defaults.RotationInterval, successor.RetiresAt);
        Assert.Equal(host.Clock.GetUtcNow(), successor.CreatedAt);

        // Published at once, signing only from the old key's retirement.
        Assert.Contains(successor.Id, await JwksKeyIdsAsync(host));
        Assert.Equal(first.Id, (await host.Store.GetSigningCredentialsAsync("RS256")).Kid);
        host.Clock.Set(first.RetiresAt - TimeSpan.FromMilliseconds(1));
        Assert.Equal(first.Id, (await host.Store.GetSigningCredentialsAsync("RS256")).Kid);
        host.Clock.Set(first.RetiresAt);
        Assert.Equal(successor.Id, (await host.Store.GetSigningCredentialsAsync("RS256")).Kid);

        // A retired key stays published until its tokens have expired.
        Assert.Contains(first.Id, await JwksKeyIdsAsync(host));
    }

    [Fact]
    public async Task EnsureKeys_KeyPastExpiry_IsDeletedAndLeavesJwks()
    {
        await using var host = await KeysTestHost.CreateAsync();
        await host.EnsureKeysAsync();
        var first = (await AllKeysAsync(host)).Single(k => k.Algorithm == "ES256");
        host.Clock.Set(first.RetiresAt - Defaults.PropagationTime);
        await host.EnsureKeysAsync();

        host.Clock.Set(first.ExpiresAt);
        Assert.DoesNotContain(first.Id, await JwksKeyIdsAsync(host));
        await host.EnsureKeysAsync();

        var keys = await AllKeysAsync(host);
        Assert.DoesNotContain(keys, k => k.Id == first.Id);
        Assert.Equal(2, keys.Count);
    }

    [Fact]
    public async Task EnsureKeys_LongestClientTokenLifetime_KeepsRetiredKeysPublishedLongEnough()
    {
        await using var host = await KeysTestHost.CreateAsync();
        await host.WithDbAsync(db =>
        {
            db.Clients.Add(new Client { ClientId = "long", AccessTokenLifetimeSeconds = 3 * 24 * 3600, IdTokenLifetimeSeconds = 300 });
            return db.SaveChangesAsync();
        });

        await host.EnsureKeysAsync();

        Assert.All(await AllKeysAsync(host), key => Assert.Equal(key.RetiresAt + TimeSpan.FromDays(3) + new TokenOptions().ClockSkew, key.ExpiresAt));
    }

    [Fact]
    public async Task EnsureKeys_RotationLate_KeepsOldKeySigningUntilTheSuccessorHasPropagated()
    {
        await using var host = await KeysTestHost.CreateAsync();
        await host.EnsureKeysAsync();
        var first = (await AllKeysAsync(host)).Single(k => k.Algorithm == "RS256");

        host.Clock.Set(first.RetiresAt + TimeSpan.FromHours(2)); // the job did not run in time
        await host.EnsureKeysAsync();

        var now = host.Clock.GetUtcNow();
        var keys = await AllKeysAsync(host);
        var old = keys.Single(k => k.Id == first.Id);
        var successor = keys.Single(k => k.Algorithm == "RS256" && k.Id != first.Id);
        Assert.Equal(now + Defaults.PropagationTime, old.RetiresAt);
        Assert.Equal(old.RetiresAt, successor.ActivatesAt);
        Assert.Equal(first.Id, (await host.Store.GetSigningCredentialsAsync("RS256")).Kid);
    }

    [Fact]
    public async Task RotateNow_PublishesNewKeyThatSignsAfterPropagationTime()
    {
        await using var host = await KeysTestHost.CreateAsync();
        await host.EnsureKeysAsync();
        var first = (await AllKeysAsync(host)).Single(k => k.Algorithm == "ES256");
        host.Clock.Advance(TimeSpan.FromDays(3));
        var now = host.Clock.GetUtcNow();

        var rotated = await host.WithManagerAsync(manager => manager.RotateNowAsync("ES256"));

        Assert.Equal(now + Defaults.PropagationTime, rotated.ActivatesAt);
        Assert.False(rotated.IsSigning);
        var old = (await AllKeysAsync(host)).Single(k => k.Id == first.Id);
        Assert.Equal(rotated.ActivatesAt, old.RetiresAt);
        Assert.Contains(rotated.KeyId, await JwksKeyIdsAsync(host));
        Assert.Equal(first.Id, (await host.Store.GetSigningCredentialsAsync("ES256")).Kid);

        host.Clock.Set(rotated.ActivatesAt);
        Assert.Equal(rotated.KeyId, (await host.Store.GetSigningCredentialsAsync("ES256")).Kid);
        // The other algorithm is untouched.
        Assert.Equal(4 - 1, (await AllKeysAsync(host)).Count);
    }

    [Fact]
    public async Task RotateNow_Twice_ReplacesTheWaitingKey()
    {
        await using var host = await KeysTestHost.CreateAsync();
        await host.EnsureKeysAsync();

        var once = await host.WithManagerAsync(manager => manager.RotateNowAsync("RS256"));
        var twice = await host.WithManagerAsync(manager => manager.RotateNowAsync("RS256"));

        var ids = (await AllKeysAsync(host)).Where(k => k.Algorithm == "RS256").Select(k => k.Id).ToList();
        Assert.DoesNotContain(once.KeyId, ids);
        Assert.Contains(twice.KeyId, ids);
        Assert.Equal(2, ids.Count);
    }

    [Fact]
    public async Task EnsureKeys_SeveralNodesAtOnce_MakeOneKeyPerAlgorithm()
    {
        var path = Path.Combine(Path.GetTempPath(), $"idp-keys-{Guid.NewGuid():N}.db");
        try
        {
            var nodes = new List<KeysTestHost>();
            for (var i = 0; i < 4; i++)
                nodes.Add(await KeysTestHost.CreateOnFileAsync(path, createSchema: i == 0));
            try
            {
                await Task.WhenAll(nodes.Select(node => Task.Run(node.EnsureKeysAsync)));
                Assert.Equal(2, (await AllKeysAsync(nodes[0])).Count);

                foreach (var node in nodes)
                    node.Clock.Set(KeysTestHost.Start + Defaults.RotationInterval - Defaults.PropagationTime);
                await Task.WhenAll(nodes.Select(node => Task.Run(node.EnsureKeysAsync)));
                Assert.Equal(4, (await AllKeysAsync(nodes[0])).Count);

                var kids = await Task.WhenAll(nodes.Select(async node => (await node.Store.GetSigningCredentialsAsync("RS256")).Kid));
                Assert.Single(kids.Distinct());
            }
            finally
            {
                foreach (var node in nodes)
                    await node.DisposeAsync();
            }
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            File.Delete(path);
        }
    }

    private static Task<List<SigningKey>> AllKeysAsync(KeysTestHost host) =>
        host.WithDbAsync(db => db.SigningKeys.AsNoTracking().ToListAsync());

    internal static async Task<List<string>> JwksKeyIdsAsync(KeysTestHost host)
    {
        var jwks = await host.Store.GetJwksDocumentAsync();
        using var document = System.Text.Json.JsonDocument.Parse(jwks);
        return document.RootElement.GetProperty("keys").EnumerateArray().Select(k => k.GetProperty("kid").GetString()!).ToList();
    }
}
