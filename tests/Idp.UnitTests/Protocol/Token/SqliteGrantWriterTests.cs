using Idp.Data;
using Idp.Data.Entities;
using Idp.Protocol.Token;
using Idp.Protocol.Token.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;

namespace Idp.UnitTests.Protocol.Token;

/// <summary>
/// SQLite's grant writer: grouped writes stay single-use and atomic, what the model converts (instants as UTC ticks)
/// reads back through EF Core unchanged, and a failing write fails alone.
/// </summary>
public sealed class SqliteGrantWriterTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 12, 5, 20, 0, 0, 123, TimeSpan.FromHours(1));
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"idp-grants-{Guid.NewGuid():N}.db");
    private readonly SqliteGrantWriter _writer = new(NullLogger<SqliteGrantWriter>.Instance);
    private readonly SqliteGrantReaders _readers = new();

    private string ConnectionString => $"Data Source={_path};Default Timeout=5";

    public async Task InitializeAsync()
    {
        await using var db = NewContext();
        await db.Database.EnsureCreatedAsync();
        await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;");
    }

    public async Task DisposeAsync()
    {
        await _writer.DisposeAsync();
        _readers.Dispose();
        SqliteConnection.ClearAllPools();
        foreach (var file in new[] { _path, _path + "-wal", _path + "-shm" })
            File.Delete(file);
    }

    private SqliteIdpDbContext NewContext() => new(new DbContextOptionsBuilder<SqliteIdpDbContext>()
        .UseSqlite(ConnectionString)
        .AddInterceptors(SqliteWriteGate.Interceptors)
        .Options);

    // The session's read (the only user of the factors) is tested with the application's factors (SessionReadsTests).
    private static Idp.Factors.FactorRegistry NoFactors(IdpDbContext db) => new([], db);

    private static AuthorizationCode Code(string id) => new()
    {
        Id = id, ClientId = "portal", SubjectId = "user-1", SessionId = "session-1", RedirectUri = "https://portal.test/cb",
        Scope = "openid offline_access", AuthTime = Now.AddMinutes(-1), Acr = "urn:idp:acr:mfa", Amr = "pwd otp",
        CreatedAt = Now, ExpiresAt = Now.AddMinutes(1),
    };

    private static RefreshToken Refresh(string id, string family) => new()
    {
        Id = id, FamilyId = family, ClientId = "portal", SubjectId = "user-1", SessionId = "session-1",
        Scope = "openid offline_access", AuthTime = Now.AddMinutes(-1), Acr = "urn:idp:acr:mfa", Amr = "pwd otp",
        ClaimsRequest = """{"id_token":{"email":null}}""", CreatedAt = Now, ExpiresAt = Now.AddDays(30), AccessTokenId = "at-" + id,
    };

    [Fact]
    public async Task ConcurrentRedemptions_OfOneCode_ExactlyOneWins_WithItsRefreshToken()
    {
        await using var db = NewContext();
        await new SqliteGrantStore(db, _writer, _readers, () => NoFactors(db)).StoreCodeAsync(Code("code-1"), default);

        var attempts = Enumerable.Range(0, 20).Select(i =>
        {
            var context = NewContext();
            return new SqliteGrantStore(context, _writer, _readers, () => NoFactors(context)).RedeemCodeAsync(
                new CodeRedemption("code-1", Now.AddSeconds(5), $"at-{i}", Refresh($"rt-{i}", $"family-{i}")), default);
        }).ToList();
        var results = await Task.WhenAll(attempts);

        Assert.Single(results, won => won);
        var winner = Array.IndexOf(results, true);
        await using var check = NewContext();
        var code = await check.AuthorizationCodes.SingleAsync();
        Assert.Equal(Now.AddSeconds(5), code.RedeemedAt);
        Assert.Equal($"at-{winner}", code.IssuedAccessTokenId);
        Assert.Equal($"family-{winner}", code.IssuedRefreshTokenFamily);
        Assert.Equal($"rt-{winner}", (await check.RefreshTokens.SingleAsync()).Id);
    }

    [Fact]
    public async Task Rotation_ConsumesOnce_AndStoresTheSuccessorAsTheModelReadsIt()
    {
        await using (var seed = NewContext())
        {
            seed.RefreshTokens.Add(Refresh("old", "family"));
            await seed.SaveChangesAsync();
        }
        await using var db = NewContext();
        var store = new SqliteGrantStore(db, _writer, _readers, () => NoFactors(db));
        var successor = Refresh("new", "family");
        successor.DPoPJkt = "jkt";

        Assert.True(await store.RotateRefreshTokenAsync(new RefreshRotation("old", Now.AddSeconds(7), successor), default));
        Assert.False(await store.RotateRefreshTokenAsync(new RefreshRotation("old", Now.AddSeconds(8), Refresh("other", "family")), default));

        await using var check = NewContext();
        var tokens = await check.RefreshTokens.AsNoTracking().OrderBy(t => t.CreatedAt).ThenBy(t => t.Id).ToListAsync();
        Assert.Equal(["new", "old"], tokens.Select(t => t.Id));
        Assert.Equal(Now.AddSeconds(7), tokens[1].ConsumedAt);
        Assert.Equivalent(successor, tokens[0]);
    }

    [Fact]
    public async Task AFailingWrite_FailsAlone_TheOthersOfItsGroupAreStored()
    {
        await using var db = NewContext();
        var store = new SqliteGrantStore(db, _writer, _readers, () => NoFactors(db));
        await store.StoreCodeAsync(Code("taken"), default);

        // Holding the writer turn makes the writes below queue up and run as one group when it is released.
        await using var holder = new SqliteConnection(ConnectionString);
        await holder.OpenAsync();
        Task[] writes;
        using (await SqliteWriteGate.EnterAsync(holder, default))
        {
            writes = [.. Enumerable.Range(0, 30).Select(i => store.StoreCodeAsync(Code(i == 15 ? "taken" : $"code-{i}"), default))];
            await Task.Delay(100);
            Assert.DoesNotContain(writes, w => w.IsCompleted);
        }

        var failure = await Assert.ThrowsAsync<SqliteException>(() => writes[15]);
        Assert.Equal(19, failure.SqliteErrorCode); // SQLITE_CONSTRAINT: the key exists
        await Task.WhenAll(writes.Where((_, i) => i != 15));
        await using var check = NewContext();
        Assert.Equal(30, await check.AuthorizationCodes.CountAsync());
    }

    [Fact]
    public async Task Lookups_ReadTheGrantAndItsUserOrTheUser_AsEfCoreDoes()
    {
        var user = new IdpUser
        {
            Id = "user-1", UserName = "1000000042", NormalizedUserName = "1000000042", AccountNumber = "1000000042",
            Email = "anna@example.test", NormalizedEmail = "ANNA@EXAMPLE.TEST", EmailConfirmed = true, GivenName = "Anna",
            FamilyName = "Muster", PreferredLocale = "de", LockoutEnabled = true, LockoutEnd = Now.AddMinutes(-3),
            AccessFailedCount = 2, SecurityStamp = "stamp", ConcurrencyStamp = "concurrency", PasswordHash = "hash",
            CredentialsChangedAt = Now.AddDays(-2), WelcomeShown = true, CreatedAt = Now.AddYears(-1), SignInCount = 7, LockoutCount = 1, MustEnrol = true,
        };
        await using (var seed = NewContext())
        {
            seed.Users.Add(user);
            seed.AuthorizationCodes.Add(Code("code-1"));
            seed.RefreshTokens.Add(Refresh("rt-1", "family"));
            var orphan = Refresh("rt-2", "family");
            orphan.SubjectId = "gone";
            seed.RefreshTokens.Add(orphan);
            await seed.SaveChangesAsync();
        }

        await using var db = NewContext();
        var store = new SqliteGrantStore(db, _writer, _readers, () => NoFactors(db));
        Assert.Equivalent(await GrantQueries.CodeWithUser(db, "code-1", default), await store.FindCodeAsync("code-1", default), strict: true);
        Assert.Equivalent(await GrantQueries.RefreshWithUser(db, "rt-1", default), await store.FindRefreshTokenAsync("rt-1", default), strict: true);
        var orphaned = await store.FindRefreshTokenAsync("rt-2", default);
        Assert.Null(orphaned!.User);
        Assert.Equal("gone", orphaned.Grant.SubjectId);
        Assert.Null(await store.FindRefreshTokenAsync("none", default));
        Assert.Equal(Now.AddMinutes(-3), (await store.FindCodeAsync("code-1", default))!.User!.LockoutEnd);
        Assert.Equal("Muster", (await store.FindCodeAsync("code-1", default))!.User!.FamilyName);
    }
}
