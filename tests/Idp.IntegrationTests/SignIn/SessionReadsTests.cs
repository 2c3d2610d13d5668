using Idp.Authentication;
using Idp.Data;
using Idp.Data.Entities;
using Idp.Factors;
using Idp.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Idp.IntegrationTests.SignIn;

/// <summary>
/// The session's read in one statement (SQLite and PostgreSQL: session, user and "has a factor") reads what EF Core's
/// queries and the factor registry read, for every kind of factor and none.
/// </summary>
public sealed class SessionReadsTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 6, 5, 0, 0, 456, TimeSpan.Zero);

    [Fact]
    public async Task OneStatement_ReadsTheSessionItsUserAndWhetherTheUserHasAFactor_AsEfCoreAndTheRegistryDo()
    {
        await using var idp = new IdpFactory();
        var none = await idp.CreateUserAsync();
        var totp = await idp.CreateUserAsync();
        var push = await idp.CreateUserAsync();
        var fallbackOnly = await idp.CreateUserAsync(configure: u => u.LockoutEnd = Now.AddMinutes(5));
        await idp.WithDbAsync(async db =>
        {
            foreach (var user in new[] { none, totp, push, fallbackOnly })
                db.UserSessions.Add(Session("s-" + user.Id, user.Id));
            db.UserSessions.Add(Session("s-orphan", "gone"));
            db.UserFactors.Add(new UserFactor { Id = "f-1", SubjectId = totp.Id, Kind = FactorKind.Totp, Name = "Phone", CreatedAt = Now });
            db.PushCredentials.Add(new PushCredential { Id = "p-1", SubjectId = push.Id, DeviceName = "Phone", PublicKey = [1, 2, 3], AccessTokenHash = "hash", CreatedAt = Now });
            db.RecoveryCodes.Add(new RecoveryCode { SubjectId = fallbackOnly.Id, CodeHash = "code", CreatedAt = Now });
            await db.SaveChangesAsync();
        });

        var expected = new Dictionary<string, bool> { [none.Id] = false, [totp.Id] = true, [push.Id] = true, [fallbackOnly.Id] = false };
        await idp.WithScopeAsync(async services =>
        {
            var reads = services.GetRequiredService<ISessionReads>();
            var db = services.GetRequiredService<IdpDbContext>();
            var factors = services.GetRequiredService<FactorRegistry>();
            Assert.IsNotType<EfSessionReads>(reads);
            var efCore = new EfSessionReads(db);
            // Twice: the second run finds the statement prepared.
            for (var run = 0; run < 2; run++)
            {
                foreach (var (subject, hasFactor) in expected)
                {
                    var read = await reads.FindAsync("s-" + subject, subject, default);
                    var baseline = await efCore.FindAsync("s-" + subject, subject, default);
                    Assert.Equivalent(baseline!.Session, read!.Session, strict: true);
                    Assert.Equivalent(baseline.User, read.User, strict: true);
                    Assert.Equal(hasFactor, read.HasPrimaryFactor);
                    Assert.Equal(await factors.HasPrimaryAsync(subject), read.HasPrimaryFactor);
                }
            }
            Assert.Equal(Now.AddMinutes(5), (await reads.FindAsync("s-" + fallbackOnly.Id, fallbackOnly.Id, default))!.User!.LockoutEnd);
            var orphan = await reads.FindAsync("s-orphan", "gone", default);
            Assert.Null(orphan!.User);
            Assert.False(orphan.HasPrimaryFactor);
            Assert.Null(await reads.FindAsync("s-unknown", none.Id, default));
        });
    }

    private static UserSession Session(string id, string subjectId) => new()
    {
        Id = id, SubjectId = subjectId, CreatedAt = Now, AuthTime = Now.AddMinutes(-1), Amr = "pwd", Acr = AuthenticationLevel.Password.ToAcr(),
        Persistent = true, Grace = true, ExpiresAt = Now.AddHours(8), IpAddress = "192.0.2.1", UserAgent = "test",
    };
}
