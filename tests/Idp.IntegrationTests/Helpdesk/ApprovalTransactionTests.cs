using Idp.Authentication;
using Idp.Data.Entities;
using Idp.Factors;
using Idp.Helpdesk;
using Idp.IntegrationTests.Factors;
using Idp.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Idp.IntegrationTests.Helpdesk;

/// <summary>The approval is one transaction: when any step fails, nothing of it stays (on SQLite and PostgreSQL).</summary>
public sealed class ApprovalTransactionTests
{
    /// <summary>A factor kind whose removal fails; ordered after every real factor, so TOTP and recovery codes are removed first.</summary>
    private sealed class FailingFactor : ISecondFactor
    {
        public FactorKind Kind => (FactorKind)99;
        public AuthenticationLevel Level => AuthenticationLevel.SecondFactor;
        public IReadOnlyList<string> Amr => [];
        public bool IsFallback => true;
        public string ChallengePath => "/signin/failing";
        public string? EnrolPath => null;
        public Task<IReadOnlyList<FactorInfo>> ListAsync(string subjectId, CancellationToken cancellationToken = default) => Task.FromResult<IReadOnlyList<FactorInfo>>([]);
        public System.Linq.Expressions.Expression<Func<Idp.Data.IdpDbContext, string, IQueryable<string>>> EnrolledBy { get; } = (db, subjectId) => db.UserFactors.Where(f => false).Select(f => f.SubjectId);
        public Task<bool> RemoveAsync(string subjectId, string factorId, CancellationToken cancellationToken = default) => Task.FromResult(false);
        public Task<int> RemoveAllAsync(string subjectId, CancellationToken cancellationToken = default) => throw new InvalidOperationException("factor store unavailable");
    }

    [Fact]
    public async Task FailedApproval_LeavesFactorsSessionsAndRequestAsTheyWere()
    {
        await using var idp = new IdpFactory().WithServices(services => services.AddScoped<ISecondFactor, FailingFactor>());
        var user = await idp.CreateUserAsync();
        await idp.SeedTotpAsync(user);
        var now = idp.Clock.GetUtcNow();
        await idp.WithDbAsync(db =>
        {
            db.RecoveryCodes.Add(new RecoveryCode { SubjectId = user.Id, CodeHash = "h", CreatedAt = now });
            db.UserSessions.Add(new UserSession { Id = "s1", SubjectId = user.Id, CreatedAt = now, AuthTime = now, ExpiresAt = now.AddHours(5) });
            return db.SaveChangesAsync();
        });
        var request = (await idp.SubmitAsync(user)).Request!;
        var agent = await idp.CreateStaffAsync("helpdesk");

        await Assert.ThrowsAsync<InvalidOperationException>(() => idp.HelpdeskAsync(h => h.ApproveAsync(request.Id, agent.Id, "note", null)));

        await idp.WithDbAsync(async db =>
        {
            Assert.Equal(ResetRequestState.Open, (await db.Set<ResetRequest>().SingleAsync(r => r.Id == request.Id)).State);
            Assert.Equal(1, await db.UserFactors.CountAsync(f => f.SubjectId == user.Id));
            Assert.Equal(1, await db.RecoveryCodes.CountAsync(c => c.SubjectId == user.Id));
            Assert.Null((await db.UserSessions.SingleAsync(s => s.Id == "s1")).EndedAt);
            Assert.False((await db.Users.AsNoTracking().SingleAsync(u => u.Id == user.Id)).MustEnrol);
            Assert.False(await db.AuditEvents.AnyAsync(a => a.Type == HelpdeskAuditEvents.RequestApproved));
        });
    }
}
