using Idp.Data;
using Idp.Data.Entities;
using Idp.IntegrationTests.Infrastructure;
using S256Pkce = Idp.Protocol.Authorize.Pkce;
using Idp.Protocol.Token;
using Idp.Protocol.Token.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;

namespace Idp.IntegrationTests.Protocol;

/// <summary>
/// PostgreSQL's grant store reads with its own prepared statements what EF Core's queries read (timestamps with
/// their offsets, nullable columns, a grant whose user is gone), and its writes stay single-use.
/// </summary>
public sealed class PostgresGrantStoreTests
{
    internal static readonly DateTimeOffset Now = new(2026, 12, 6, 3, 0, 0, 123, TimeSpan.Zero);

    [PostgresFact]
    public async Task Lookups_ReadTheGrantAndItsUser_AsEfCoreDoes_AndARotationConsumesOnce()
    {
        await using var idp = new IdpFactory();
        var user = await idp.CreateUserAsync();
        await idp.WithDbAsync(async db =>
        {
            await db.Users.Where(u => u.Id == user.Id).ExecuteUpdateAsync(s => s
                .SetProperty(u => u.LockoutEnd, Now.AddMinutes(-3)).SetProperty(u => u.CredentialsChangedAt, Now.AddDays(-2)));
            db.AuthorizationCodes.Add(new AuthorizationCode
            {
                Id = "code-1", ClientId = "portal", SubjectId = user.Id, SessionId = "session-1", RedirectUri = "https://portal.test/cb",
                Scope = "openid offline_access", AuthTime = Now.AddMinutes(-1), Acr = "urn:idp:acr:mfa", Amr = "pwd otp",
                CreatedAt = Now, ExpiresAt = Now.AddMinutes(1),
            });
            db.RefreshTokens.Add(Refresh("rt-1", user.Id));
            db.RefreshTokens.Add(Refresh("rt-2", "gone"));
            await db.SaveChangesAsync();
        });

        await idp.WithDbAsync(async db =>
        {
            await using var writer = new PostgresGrantWriter(NullLogger<PostgresGrantWriter>.Instance);
            var store = new PostgresGrantStore(db, writer, () => new Idp.Factors.FactorRegistry([], db));
            await using var connection = await store.HoldConnectionAsync(default);
            // Twice: the second run finds each statement prepared on the connection.
            for (var run = 0; run < 2; run++)
            {
                Assert.Equivalent(await GrantQueries.CodeWithUser(db, "code-1", default), await store.FindCodeAsync("code-1", default), strict: true);
                Assert.Equivalent(await GrantQueries.RefreshWithUser(db, "rt-1", default), await store.FindRefreshTokenAsync("rt-1", default), strict: true);
            }
            var orphaned = await store.FindRefreshTokenAsync("rt-2", default);
            Assert.Null(orphaned!.User);
            Assert.Equal("gone", orphaned.Grant.SubjectId);
            Assert.Null(await store.FindRefreshTokenAsync("none", default));
            Assert.Equal(Now.AddMinutes(-3), (await store.FindCodeAsync("code-1", default))!.User!.LockoutEnd);

            var rotation = new RefreshRotation("rt-1", Now, Refresh("rt-3", user.Id));
            Assert.True(await store.RotateRefreshTokenAsync(rotation, default));
            Assert.False(await store.RotateRefreshTokenAsync(rotation with { Next = Refresh("rt-4", user.Id) }, default));
            Assert.Equal(Now, (await store.FindRefreshTokenAsync("rt-1", default))!.Grant.ConsumedAt);
            Assert.NotNull(await store.FindRefreshTokenAsync("rt-3", default));
            Assert.Null(await store.FindRefreshTokenAsync("rt-4", default));
        });
    }

    [PostgresFact]
    public async Task Exchange_ConsumesAndReplacesOnlyATokenAsExpected_InOneStatement_AndUndoRestoresIt()
    {
        await using var idp = new IdpFactory();
        var user = await idp.CreateUserAsync();
        await idp.WithDbAsync(async db =>
        {
            db.RefreshTokens.Add(Refresh("ex-1", user.Id));
            var bound = Refresh("ex-bound", user.Id);
            bound.DPoPJkt = "jkt-a";
            db.RefreshTokens.Add(bound);
            var expired = Refresh("ex-expired", user.Id);
            expired.ExpiresAt = Now;
            db.RefreshTokens.Add(expired);
            var revoked = Refresh("ex-revoked", user.Id);
            revoked.RevokedAt = Now.AddMinutes(-1);
            db.RefreshTokens.Add(revoked);
            await db.SaveChangesAsync();
        });

        await idp.WithDbAsync(async db =>
        {
            await using var writer = new PostgresGrantWriter(NullLogger<PostgresGrantWriter>.Instance);
            var store = new PostgresGrantStore(db, writer, () => new Idp.Factors.FactorRegistry([], db));
            RefreshExchange Exchange(string id, string client = "portal", string? jkt = null) => new(id, client, jkt, Now, "next-" + id, "at-next-" + id);

            Assert.Null(await store.TryExchangeAsync(Exchange("ex-1", client: "other"), default));
            Assert.Null(await store.TryExchangeAsync(Exchange("ex-expired"), default));
            Assert.Null(await store.TryExchangeAsync(Exchange("ex-revoked"), default));
            Assert.Null(await store.TryExchangeAsync(Exchange("ex-bound"), default));
            Assert.Null(await store.TryExchangeAsync(Exchange("ex-bound", jkt: "jkt-b"), default));
            Assert.Null(await store.TryExchangeAsync(Exchange("unknown"), default));
            Assert.Equal(4, await db.RefreshTokens.CountAsync(t => t.ConsumedAt == null));
            Assert.NotNull(await store.TryExchangeAsync(Exchange("ex-bound", jkt: "jkt-a"), default));

            var exchanged = await store.TryExchangeAsync(Exchange("ex-1"), default);
            Assert.Equal(Now, exchanged!.Grant.ConsumedAt);
            Assert.Equivalent(await db.FindUserAsync(user.Id, default), exchanged.User, strict: true);
            var original = await db.RefreshTokens.AsNoTracking().SingleAsync(t => t.Id == "ex-1");
            original.ConsumedAt = null;
            Assert.Equivalent(RefreshRotation.Successor(original, "next-ex-1", Now, "at-next-ex-1"),
                await db.RefreshTokens.AsNoTracking().SingleAsync(t => t.Id == "next-ex-1"), strict: true);
            Assert.Null(await store.TryExchangeAsync(Exchange("ex-1"), default));

            await store.UndoAsync(Exchange("ex-1"), default);
            Assert.Null((await db.RefreshTokens.AsNoTracking().SingleAsync(t => t.Id == "ex-1")).ConsumedAt);
            Assert.False(await db.RefreshTokens.AnyAsync(t => t.Id == "next-ex-1"));
            Assert.NotNull(await store.TryExchangeAsync(Exchange("ex-1"), default));
        });
    }

    [PostgresFact]
    public async Task CodeExchange_RedeemsOnlyACodeAsExpected_WithItsRefreshToken_InOneStatement_AndUndoRestoresIt()
    {
        const string verifier = "verifier-0123456789-0123456789-0123456789-0123456789";
        await using var idp = new IdpFactory();
        var user = await idp.CreateUserAsync();
        await idp.WithDbAsync(async db =>
        {
            db.AuthorizationCodes.AddRange(
                Code("c-plain", user.Id),
                Code("c-pkce", user.Id, c => c.CodeChallenge = S256Pkce.S256(verifier)),
                Code("c-bound", user.Id, c => c.DPoPJkt = "jkt-a"),
                Code("c-any-redirect", user.Id, c => c.RedirectUri = ""),
                Code("c-expired", user.Id, c => c.ExpiresAt = Now),
                Code("c-redeemed", user.Id, c => c.RedeemedAt = Now.AddSeconds(-5)));
            await db.SaveChangesAsync();
        });

        await idp.WithDbAsync(async db =>
        {
            await using var writer = new PostgresGrantWriter(NullLogger<PostgresGrantWriter>.Instance);
            var store = new PostgresGrantStore(db, writer, () => new Idp.Factors.FactorRegistry([], db));
            CodeExchange Exchange(string id, string client = "portal", string? redirect = "https://portal.test/cb", string? verifierSent = null, string? jkt = null) =>
                new(id, client, Now, redirect, verifierSent is not null, verifierSent is null || !S256Pkce.IsValidVerifier(verifierSent) ? null : S256Pkce.S256(verifierSent), jkt,
                    "at-" + id, new RefreshKeys("rt-" + id, "family-" + id, Now.AddDays(30), null));

            Assert.Null(await store.TryExchangeAsync(Exchange("c-plain", client: "other"), default));
            Assert.Null(await store.TryExchangeAsync(Exchange("c-plain", redirect: "https://portal.test/other"), default));
            Assert.Null(await store.TryExchangeAsync(Exchange("c-plain", redirect: null), default));
            Assert.Null(await store.TryExchangeAsync(Exchange("c-plain", verifierSent: verifier), default)); // a verifier without a challenge
            Assert.Null(await store.TryExchangeAsync(Exchange("c-pkce"), default));
            Assert.Null(await store.TryExchangeAsync(Exchange("c-pkce", verifierSent: verifier + "x"), default));
            Assert.Null(await store.TryExchangeAsync(Exchange("c-pkce", verifierSent: "short"), default));
            Assert.Null(await store.TryExchangeAsync(Exchange("c-bound"), default));
            Assert.Null(await store.TryExchangeAsync(Exchange("c-bound", jkt: "jkt-b"), default));
            Assert.Null(await store.TryExchangeAsync(Exchange("c-expired"), default));
            Assert.Null(await store.TryExchangeAsync(Exchange("c-redeemed"), default));
            Assert.Null(await store.TryExchangeAsync(Exchange("unknown"), default));
            Assert.Equal(5, await db.AuthorizationCodes.CountAsync(c => c.RedeemedAt == null));
            Assert.False(await db.RefreshTokens.AnyAsync());

            Assert.NotNull(await store.TryExchangeAsync(Exchange("c-pkce", verifierSent: verifier), default));
            Assert.NotNull(await store.TryExchangeAsync(Exchange("c-bound", jkt: "jkt-a"), default));
            Assert.NotNull(await store.TryExchangeAsync(Exchange("c-any-redirect", redirect: null), default));

            var exchanged = await store.TryExchangeAsync(Exchange("c-plain"), default);
            Assert.Equal(Now, exchanged!.Grant.RedeemedAt);
            Assert.Equal("at-c-plain", exchanged.Grant.IssuedAccessTokenId);
            Assert.Equal("family-c-plain", exchanged.Grant.IssuedRefreshTokenFamily);
            Assert.Equivalent(await db.FindUserAsync(user.Id, default), exchanged.User, strict: true);
            var code = await db.AuthorizationCodes.AsNoTracking().SingleAsync(c => c.Id == "c-plain");
            // The row the one statement inserted is the one the lookup path builds from the code.
            Assert.Equivalent(CodeRefreshTokens.For(code, Exchange("c-plain").Refresh, "at-c-plain", Now),
                await db.RefreshTokens.AsNoTracking().SingleAsync(t => t.Id == "rt-c-plain"), strict: true);
            Assert.Null(await store.TryExchangeAsync(Exchange("c-plain"), default));

            await store.UndoAsync(Exchange("c-plain"), default);
            var undone = await db.AuthorizationCodes.AsNoTracking().SingleAsync(c => c.Id == "c-plain");
            Assert.Null(undone.RedeemedAt);
            Assert.Null(undone.IssuedAccessTokenId);
            Assert.Null(undone.IssuedRefreshTokenFamily);
            Assert.False(await db.RefreshTokens.AnyAsync(t => t.Id == "rt-c-plain"));
            Assert.NotNull(await store.TryExchangeAsync(Exchange("c-plain"), default));
        });
    }

    internal static AuthorizationCode Code(string id, string subjectId, Action<AuthorizationCode>? configure = null)
    {
        var code = new AuthorizationCode
        {
            Id = id, ClientId = "portal", SubjectId = subjectId, SessionId = "session-1", RedirectUri = "https://portal.test/cb",
            Scope = "openid offline_access", AuthTime = Now.AddMinutes(-1), Acr = "urn:idp:acr:mfa", Amr = "pwd otp",
            ClaimsRequest = """{"id_token":{"email":null}}""", Nonce = "n", CreatedAt = Now, ExpiresAt = Now.AddMinutes(1),
        };
        configure?.Invoke(code);
        return code;
    }

    internal static RefreshToken Refresh(string id, string subjectId) => new()
    {
        Id = id, FamilyId = "family", ClientId = "portal", SubjectId = subjectId, SessionId = "session-1",
        Scope = "openid offline_access", AuthTime = Now.AddMinutes(-1), Acr = "urn:idp:acr:mfa", Amr = "pwd otp",
        ClaimsRequest = """{"id_token":{"email":null}}""", CreatedAt = Now, ExpiresAt = Now.AddDays(30), AccessTokenId = "at-" + id,
    };
}
