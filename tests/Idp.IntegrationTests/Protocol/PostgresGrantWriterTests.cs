using Idp.Data;
using Idp.Data.Entities;
using Idp.IntegrationTests.Infrastructure;
using Idp.Operations;
using Idp.Protocol.Token;
using Idp.Protocol.Token.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using static Idp.IntegrationTests.Protocol.PostgresGrantStoreTests;

namespace Idp.IntegrationTests.Protocol;

/// <summary>
/// PostgreSQL's grant writes run in groups, one batch and one commit each: every write still gets its own result,
/// and a write the server refuses fails alone.
/// </summary>
public sealed class PostgresGrantWriterTests
{
    private const int Writes = 60;

    [PostgresFact]
    public async Task AGroupOfInsertsAndExchanges_GivesEachWriteItsOwnResult_AndARefusedWriteFailsAlone()
    {
        await WithStoreAsync(async (db, writer, store, user) =>
        {
            await Task.WhenAll(Enumerable.Range(0, Writes).Select(i => store.StoreCodeAsync(Code($"stored-{i}", user.Id), default)));

            // Queued at once, so that they meet in groups: exchanges (rows) between inserts (no rows of their own), an
            // exchange that finds nothing, and an insert of a key that exists.
            var exchanges = new Task<Redeemable<AuthorizationCode>?>[Writes];
            var inserts = new Task[Writes];
            for (var i = 0; i < Writes; i++)
            {
                inserts[i] = store.StoreCodeAsync(Code($"new-{i}", user.Id), default);
                exchanges[i] = store.TryExchangeAsync(Exchange(i % 7 == 3 ? $"unknown-{i}" : $"stored-{i}"), default);
            }
            var duplicate = store.StoreCodeAsync(Code("stored-5", user.Id), default);
            var last = store.TryExchangeAsync(Exchange("new-0"), default);

            var refused = await Assert.ThrowsAsync<PostgresException>(() => duplicate);
            Assert.Equal(PostgresErrorCodes.UniqueViolation, refused.SqlState);
            await Task.WhenAll(inserts);
            for (var i = 0; i < Writes; i++)
            {
                var exchanged = await exchanges[i];
                if (i % 7 == 3)
                {
                    Assert.Null(exchanged);
                    continue;
                }
                Assert.Equal($"stored-{i}", exchanged!.Grant.Id);
                Assert.Equal($"at-stored-{i}", exchanged.Grant.IssuedAccessTokenId);
                Assert.Equal(user.Id, exchanged.User!.Id);
            }
            Assert.Equal("new-0", (await last)!.Grant.Id);

            var redeemed = Enumerable.Range(0, Writes).Count(i => i % 7 != 3) + 1;
            Assert.Equal(2 * Writes, await db.AuthorizationCodes.CountAsync());
            Assert.Equal(redeemed, await db.AuthorizationCodes.CountAsync(c => c.RedeemedAt != null));
            Assert.Equal(redeemed, await db.RefreshTokens.CountAsync());
        });
    }

    [PostgresFact]
    public async Task WritesQueuedTogether_RunInFewerBatches_ThanWrites()
    {
        await WithStoreAsync(async (db, writer, store, user) =>
        {
            await Task.WhenAll(Enumerable.Range(0, Writes).Select(i => store.StoreCodeAsync(Code($"c-{i}", user.Id), default)));

            Assert.Equal(Writes, await db.AuthorizationCodes.CountAsync());
            Assert.InRange(writer.GroupsRun, 1, Writes / 2);
        });
    }

    [PostgresFact]
    public async Task AfterTheServerEndsTheWritersConnections_AWriteFailsAsAnOutage_AndTheNextOnesSucceed()
    {
        await WithStoreAsync(async (db, writer, store, user) =>
        {
            await Task.WhenAll(Enumerable.Range(0, Writes).Select(i => store.StoreCodeAsync(Code($"before-{i}", user.Id), default)));

            var ended = await db.Database.SqlQueryRaw<bool>(
                "SELECT pg_terminate_backend(pid) AS \"Value\" FROM pg_stat_activity WHERE application_name = {0}", PostgresGrantWriter.ApplicationName).ToListAsync();
            Assert.NotEmpty(ended);

            // Each loop finds its connection ended once: that write fails as an outage (503), never as a refusal or a bug.
            var failures = 0;
            for (var i = 0; i < 2 * PostgresGrantWriter.Loops + 2; i++)
            {
                try
                {
                    await store.StoreCodeAsync(Code($"after-{i}", user.Id), default);
                }
                catch (Exception exception)
                {
                    Assert.True(DatabaseOutage.IsOutage(exception), exception.ToString());
                    failures++;
                }
            }
            Assert.InRange(failures, 0, PostgresGrantWriter.Loops);
            await store.StoreCodeAsync(Code("last", user.Id), default);
            Assert.True(await db.AuthorizationCodes.AnyAsync(c => c.Id == "last"));
        });
    }

    /// <summary>A fresh database with one user, and a store on a writer of its own.</summary>
    private static async Task WithStoreAsync(Func<IdpDbContext, PostgresGrantWriter, PostgresGrantStore, IdpUser, Task> test)
    {
        await using var idp = new IdpFactory();
        var user = await idp.CreateUserAsync();
        await idp.WithDbAsync(async db =>
        {
            await using var writer = new PostgresGrantWriter(NullLogger<PostgresGrantWriter>.Instance);
            await test(db, writer, new PostgresGrantStore(db, writer, () => new Idp.Factors.FactorRegistry([], db)), user);
        });
    }

    private static CodeExchange Exchange(string id) =>
        new(id, "portal", Now, "https://portal.test/cb", false, null, null, "at-" + id, new RefreshKeys("rt-" + id, "family-" + id, Now.AddDays(30), null));
}
