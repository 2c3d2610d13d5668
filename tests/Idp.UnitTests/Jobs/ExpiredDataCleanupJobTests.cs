using Idp.Data.Entities;
using Idp.Jobs;
using Idp.UnitTests.Protocol.Keys;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Idp.UnitTests.Jobs;

public sealed class ExpiredDataCleanupJobTests
{
    [Fact]
    public async Task CleanUp_DeletesExpiredRows_KeepsLiveOnes_AndRecentlyEndedSessions()
    {
        await using var host = await KeysTestHost.CreateAsync();
        var now = host.Clock.GetUtcNow();
        await host.WithDbAsync(db =>
        {
            db.AuthorizationCodes.AddRange(new AuthorizationCode { Id = "old", ExpiresAt = now.AddSeconds(-1) }, new AuthorizationCode { Id = "live", ExpiresAt = now.AddSeconds(30) });
            db.RefreshTokens.AddRange(new RefreshToken { Id = "old", ExpiresAt = now.AddDays(-1) }, new RefreshToken { Id = "live", ExpiresAt = now.AddDays(1) });
            db.RevokedAccessTokens.AddRange(new RevokedAccessToken { TokenId = "old", ExpiresAt = now.AddMinutes(-1) }, new RevokedAccessToken { TokenId = "live", ExpiresAt = now.AddMinutes(1) });
            db.UsedJtis.AddRange(new UsedJti { Scope = "s", JtiHash = "old", ExpiresAt = now.AddSeconds(-1) }, new UsedJti { Scope = "s", JtiHash = "live", ExpiresAt = now.AddMinutes(5) });
            db.AuthorizationRequests.AddRange(new AuthorizationRequestRecord { Id = "old", ExpiresAt = now.AddMinutes(-1) }, new AuthorizationRequestRecord { Id = "live", ExpiresAt = now.AddMinutes(1) });
            db.UserSessions.AddRange(
                new UserSession { Id = "expired-long-ago", ExpiresAt = now.AddDays(-2), Clients = [new UserSessionClient { ClientId = "portal" }] },
                new UserSession { Id = "ended-long-ago", ExpiresAt = now.AddDays(5), EndedAt = now.AddDays(-2) },
                new UserSession { Id = "ended-just-now", ExpiresAt = now.AddDays(5), EndedAt = now.AddHours(-1) },
                new UserSession { Id = "expired-just-now", ExpiresAt = now.AddHours(-1) },
                new UserSession { Id = "live", ExpiresAt = now.AddHours(5), Clients = [new UserSessionClient { ClientId = "portal" }] });
            return db.SaveChangesAsync();
        });

        await host.WithDbAsync(async db =>
        {
            await new ExpiredDataCleanupJob(db, host.Clock, NullLogger<ExpiredDataCleanupJob>.Instance).CleanUpAsync(CancellationToken.None);
            return 0;
        });

        await host.WithDbAsync(async db =>
        {
            Assert.Equal(["live"], await db.AuthorizationCodes.Select(c => c.Id).ToListAsync());
            Assert.Equal(["live"], await db.RefreshTokens.Select(t => t.Id).ToListAsync());
            Assert.Equal(["live"], await db.RevokedAccessTokens.Select(t => t.TokenId).ToListAsync());
            Assert.Equal(["live"], await db.AuthorizationRequests.Select(r => r.Id).ToListAsync());
            Assert.Equal(["live"], await db.UsedJtis.Select(u => u.JtiHash).ToListAsync());
            Assert.Equal(["ended-just-now", "expired-just-now", "live"], (await db.UserSessions.Select(s => s.Id).ToListAsync()).Order());
            Assert.Equal(["live"], await db.UserSessionClients.Select(c => c.SessionId).ToListAsync());
            return 0;
        });
    }
}
