using Idp.Data.Entities;
using Idp.Factors;
using Idp.Helpdesk;
using Idp.IntegrationTests.Factors;
using Idp.IntegrationTests.Infrastructure;
using Idp.Testing;
using Microsoft.EntityFrameworkCore;

namespace Idp.IntegrationTests.Helpdesk;

/// <summary>The reset-request domain: submission limits, approval in one transaction, four-eyes, rejection, passes, queue and dashboard.</summary>
public sealed class HelpdeskRequestsTests : IAsyncLifetime
{
    // Monday 16 November 2026, 10:00 in Berlin (09:00 UTC): a plain working week.
    private readonly IdpFactory _idp = HelpdeskSteps.NodeAt(new DateTimeOffset(2026, 11, 16, 9, 0, 0, TimeSpan.Zero));

    public Task InitializeAsync()
    {
        _idp.Start();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _idp.DisposeAsync();

    [Fact]
    public async Task Submit_CreatesOneOpenRequest_WithReferenceAndDueTime_AndConfirms()
    {
        var user = await _idp.CreateUserAsync();
        var result = await _idp.SubmitAsync(user);

        Assert.Equal(SubmitOutcome.Created, result.Outcome);
        var request = result.Request!;
        Assert.Matches("^R-[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{8}$", request.Reference);
        Assert.Equal(_idp.Clock.GetUtcNow().AddHours(24), request.DueAt);
        Assert.Equal(_idp.Clock.GetUtcNow().AddHours(18), request.RemindAt);
        var mail = await _idp.LatestOutboxMessageAsync(user.Email!);
        Assert.NotNull(mail);
        Assert.Contains(request.Reference, mail.Subject + mail.Body);
        Assert.Contains("/signin/reset/status?ref=" + request.Reference, mail.Body);

        var again = await _idp.SubmitAsync(user, contact: "other");
        Assert.Equal(SubmitOutcome.AlreadyOpen, again.Outcome);
        Assert.Equal(request.Id, again.Request!.Id);
        Assert.Equal(1, await _idp.WithDbAsync(db => db.Set<ResetRequest>().CountAsync(r => r.SubjectId == user.Id)));
    }

    [Fact]
    public async Task Submit_RefusesBadInput_AndFlooding()
    {
        var user = await _idp.CreateUserAsync();
        Assert.Equal(SubmitOutcome.Invalid, (await _idp.SubmitAsync(user, contact: " ")).Outcome);
        Assert.Equal(SubmitOutcome.Invalid, (await _idp.SubmitAsync(user, contact: new string('x', 201))).Outcome);
        Assert.Equal(SubmitOutcome.Invalid, (await _idp.SubmitAsync(user, message: new string('x', 2001))).Outcome);

        var agent = await _idp.CreateStaffAsync("helpdesk");
        for (var i = 0; i < 3; i++)
        {
            var created = await _idp.SubmitAsync(user);
            Assert.Equal(SubmitOutcome.Created, created.Outcome);
            await _idp.HelpdeskAsync(h => h.RejectAsync(created.Request!.Id, agent.Id, "Could not reach you", null));
        }
        Assert.Equal(SubmitOutcome.TooMany, (await _idp.SubmitAsync(user)).Outcome);
        _idp.Clock.Advance(TimeSpan.FromHours(25));
        Assert.Equal(SubmitOutcome.Created, (await _idp.SubmitAsync(user)).Outcome);
    }

    [Fact]
    public async Task Submit_FromOneAddress_IsLimitedPerHour()
    {
        for (var i = 0; i < 20; i++)
            Assert.Equal(SubmitOutcome.Created, (await _idp.SubmitAsync(await _idp.CreateUserAsync(), ip: "198.51.100.9")).Outcome);
        Assert.Equal(SubmitOutcome.TooMany, (await _idp.SubmitAsync(await _idp.CreateUserAsync(), ip: "198.51.100.9")).Outcome);
        Assert.Equal(SubmitOutcome.Created, (await _idp.SubmitAsync(await _idp.CreateUserAsync(), ip: "198.51.100.10")).Outcome);
    }

    [Fact]
    public async Task Approve_RevokesFactorsSessionsAndTokens_AndRequiresEnrolment()
    {
        var user = await _idp.CreateUserAsync();
        await _idp.SeedTotpAsync(user);
        var now = _idp.Clock.GetUtcNow();
        await _idp.WithDbAsync(db =>
        {
            db.RecoveryCodes.Add(new RecoveryCode { SubjectId = user.Id, CodeHash = "h", CreatedAt = now });
            db.UserSessions.Add(new UserSession { Id = "s1", SubjectId = user.Id, CreatedAt = now, AuthTime = now, ExpiresAt = now.AddHours(5) });
            db.RefreshTokens.Add(new RefreshToken { Id = "rt1", FamilyId = "f1", SubjectId = user.Id, ClientId = "portal", CreatedAt = now, ExpiresAt = now.AddDays(5), AccessTokenId = "at1" });
            db.TrustedBrowsers.Add(new TrustedBrowser { Id = "tb1", SubjectId = user.Id, CreatedAt = now, ExpiresAt = now.AddDays(5) });
            return db.SaveChangesAsync();
        });
        var request = (await _idp.SubmitAsync(user)).Request!;
        var agent = await _idp.CreateStaffAsync("helpdesk");
        Assert.True(await _idp.HelpdeskAsync(h => h.ClaimAsync(request.Id, agent.Id, null)));

        var result = await _idp.HelpdeskAsync(h => h.ApproveAsync(request.Id, agent.Id, "Called back on the phone number on file", null));

        Assert.Equal(DecisionOutcome.Done, result.Outcome);
        Assert.Equal(ResetRequestState.Approved, result.Request!.State);
        Assert.Equal(ResetResolution.FactorsRevoked, result.Request.Resolution);
        await _idp.WithDbAsync(async db =>
        {
            Assert.Equal(0, await db.UserFactors.CountAsync(f => f.SubjectId == user.Id));
            Assert.Equal(0, await db.RecoveryCodes.CountAsync(c => c.SubjectId == user.Id));
            Assert.Equal(0, await db.TrustedBrowsers.CountAsync(b => b.SubjectId == user.Id));
            Assert.NotNull((await db.UserSessions.SingleAsync(s => s.Id == "s1")).EndedAt);
            Assert.NotNull((await db.RefreshTokens.SingleAsync(t => t.Id == "rt1")).RevokedAt);
            Assert.True(await db.RevokedAccessTokens.AnyAsync(t => t.TokenId == "at1"));
            var stored = await db.Users.AsNoTracking().SingleAsync(u => u.Id == user.Id);
            Assert.True(stored.MustEnrol);
            Assert.NotEqual(user.SecurityStamp, stored.SecurityStamp);
            var audit = await db.AuditEvents.SingleAsync(a => a.Type == HelpdeskAuditEvents.RequestApproved);
            Assert.Equal(agent.Id, audit.ActorId);
            Assert.Equal(user.Id, audit.SubjectId);
            Assert.Contains("Called back", audit.Details);
            Assert.True(await db.AuditEvents.AnyAsync(a => a.Type == HelpdeskAuditEvents.RequestClaimed && a.ActorId == agent.Id));
        });
        Assert.Contains("genehmigt", (await _idp.LatestOutboxMessageAsync(user.Email!))!.Body);

        // Decided once: a second approval finds it no longer open.
        Assert.Equal(DecisionOutcome.NotOpen, (await _idp.HelpdeskAsync(h => h.ApproveAsync(request.Id, agent.Id, null, null))).Outcome);
        Assert.Null(await _idp.HelpdeskAsync(h => h.GetOpenForUserAsync(user.Id)));
    }

    [Fact]
    public async Task StaffRequest_NeedsTwoDifferentAgents()
    {
        var staff = await _idp.CreateStaffAsync("helpdesk");
        await _idp.SeedTotpAsync(staff);
        var first = await _idp.CreateStaffAsync("helpdesk");
        var second = await _idp.CreateStaffAsync("supervisor");
        var request = (await _idp.SubmitAsync(staff)).Request!;
        Assert.True(request.RequiresFourEyes);

        Assert.Equal(DecisionOutcome.OwnRequest, (await _idp.HelpdeskAsync(h => h.ApproveAsync(request.Id, staff.Id, null, null))).Outcome);
        var one = await _idp.HelpdeskAsync(h => h.ApproveAsync(request.Id, first.Id, "Identity checked", null));
        Assert.Equal(DecisionOutcome.FirstApprovalRecorded, one.Outcome);
        Assert.Equal(1, await _idp.WithDbAsync(db => db.UserFactors.CountAsync(f => f.SubjectId == staff.Id)));
        Assert.Equal(DecisionOutcome.SecondAgentRequired, (await _idp.HelpdeskAsync(h => h.ApproveAsync(request.Id, first.Id, null, null))).Outcome);

        var two = await _idp.HelpdeskAsync(h => h.ApproveAsync(request.Id, second.Id, "Second check", null));
        Assert.Equal(DecisionOutcome.Done, two.Outcome);
        Assert.Equal(first.Id, two.Request!.FirstApprovedBy);
        Assert.Equal(second.Id, two.Request.DecidedBy);
        Assert.Equal(0, await _idp.WithDbAsync(db => db.UserFactors.CountAsync(f => f.SubjectId == staff.Id)));
    }

    [Fact]
    public async Task UserMadeStaffAfterSubmitting_StillNeedsTwoAgents()
    {
        var user = await _idp.CreateUserAsync();
        var request = (await _idp.SubmitAsync(user)).Request!;
        Assert.False(request.RequiresFourEyes);
        await _idp.AddRoleAsync(user, "admin");
        var agent = await _idp.CreateStaffAsync("helpdesk");

        Assert.Equal(DecisionOutcome.FirstApprovalRecorded, (await _idp.HelpdeskAsync(h => h.ApproveAsync(request.Id, agent.Id, null, null))).Outcome);
        Assert.Equal(DecisionOutcome.SecondAgentRequired, (await _idp.HelpdeskAsync(h => h.IssueTemporaryAccessPassAsync(request.Id, agent.Id, null, null))).Outcome);
    }

    [Fact]
    public async Task Reject_NeedsAReason_WhichTheUserIsTold()
    {
        var user = await _idp.CreateUserAsync();
        await _idp.SeedTotpAsync(user);
        var agent = await _idp.CreateStaffAsync("helpdesk");
        var request = (await _idp.SubmitAsync(user)).Request!;

        Assert.Equal(DecisionOutcome.ReasonRequired, (await _idp.HelpdeskAsync(h => h.RejectAsync(request.Id, agent.Id, " ", null))).Outcome);
        var result = await _idp.HelpdeskAsync(h => h.RejectAsync(request.Id, agent.Id, "The phone number does not match our records", null));

        Assert.Equal(DecisionOutcome.Done, result.Outcome);
        Assert.Equal(ResetRequestState.Rejected, result.Request!.State);
        Assert.Contains("does not match our records", (await _idp.LatestOutboxMessageAsync(user.Email!))!.Body);
        Assert.Equal(1, await _idp.WithDbAsync(db => db.UserFactors.CountAsync(f => f.SubjectId == user.Id)));
        Assert.False(await _idp.WithDbAsync(db => db.Users.Where(u => u.Id == user.Id).Select(u => u.MustEnrol).SingleAsync()));
    }

    [Fact]
    public async Task TemporaryAccessPass_IsShownOnce_HashedAtRest_SingleUse_AndExpires()
    {
        var user = await _idp.CreateUserAsync();
        await _idp.SeedTotpAsync(user);
        var agent = await _idp.CreateStaffAsync("helpdesk");
        var request = (await _idp.SubmitAsync(user)).Request!;

        var result = await _idp.HelpdeskAsync(h => h.IssueTemporaryAccessPassAsync(request.Id, agent.Id, "Verified by video call", null));
        Assert.Equal(DecisionOutcome.Done, result.Outcome);
        var code = result.TemporaryAccessPass!;
        Assert.Matches("^[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}$", code);
        Assert.Equal(_idp.Clock.GetUtcNow().AddHours(4), result.TemporaryAccessPassExpiresAt);
        var stored = await _idp.WithDbAsync(db => db.Set<TemporaryAccessPass>().SingleAsync(p => p.SubjectId == user.Id));
        Assert.DoesNotContain(code.Replace("-", ""), stored.CodeHash);
        Assert.DoesNotContain(code, (await _idp.LatestOutboxMessageAsync(user.Email!))!.Body);
        // The factors stay until the pass is used.
        Assert.Equal(1, await _idp.WithDbAsync(db => db.UserFactors.CountAsync(f => f.SubjectId == user.Id)));

        Assert.Equal(TemporaryAccessPassOutcome.Invalid, await _idp.HelpdeskAsync(h => h.RedeemTemporaryAccessPassAsync(user.Id, "aaaa-bbbb-cccc", null)));
        Assert.Equal(TemporaryAccessPassOutcome.Accepted, await _idp.HelpdeskAsync(h => h.RedeemTemporaryAccessPassAsync(user.Id, code.ToUpperInvariant(), null)));
        Assert.Equal(0, await _idp.WithDbAsync(db => db.UserFactors.CountAsync(f => f.SubjectId == user.Id)));
        Assert.True(await _idp.WithDbAsync(db => db.Users.Where(u => u.Id == user.Id).Select(u => u.MustEnrol).SingleAsync()));
        Assert.Equal(TemporaryAccessPassOutcome.Invalid, await _idp.HelpdeskAsync(h => h.RedeemTemporaryAccessPassAsync(user.Id, code, null)));

        // A second pass that is not used in time expires.
        var second = (await _idp.SubmitAsync(user)).Request!;
        var late = (await _idp.HelpdeskAsync(h => h.IssueTemporaryAccessPassAsync(second.Id, agent.Id, null, null))).TemporaryAccessPass!;
        _idp.Clock.Advance(TimeSpan.FromHours(4) + TimeSpan.FromSeconds(1));
        Assert.Equal(TemporaryAccessPassOutcome.Invalid, await _idp.HelpdeskAsync(h => h.RedeemTemporaryAccessPassAsync(user.Id, late, null)));
    }

    [Fact]
    public async Task TemporaryAccessPass_WrongCodes_AreThrottled()
    {
        var user = await _idp.CreateUserAsync();
        var agent = await _idp.CreateStaffAsync("helpdesk");
        var request = (await _idp.SubmitAsync(user)).Request!;
        var code = (await _idp.HelpdeskAsync(h => h.IssueTemporaryAccessPassAsync(request.Id, agent.Id, null, null))).TemporaryAccessPass!;

        for (var i = 0; i < FactorThrottle.FreeAttempts; i++)
            Assert.Equal(TemporaryAccessPassOutcome.Invalid, await _idp.HelpdeskAsync(h => h.RedeemTemporaryAccessPassAsync(user.Id, "wrong", null)));
        // Now even the right code must wait.
        Assert.Equal(TemporaryAccessPassOutcome.Wait, await _idp.HelpdeskAsync(h => h.RedeemTemporaryAccessPassAsync(user.Id, code, null)));
        _idp.Clock.Advance(FactorThrottle.FirstDelay);
        Assert.Equal(TemporaryAccessPassOutcome.Accepted, await _idp.HelpdeskAsync(h => h.RedeemTemporaryAccessPassAsync(user.Id, code, null)));
    }

    [Fact]
    public async Task Queue_SortsByDueTime_FiltersAndShowsTimeLeft_AndDashboardCounts()
    {
        var agent = await _idp.CreateStaffAsync("helpdesk");
        var early = (await _idp.SubmitAsync(await _idp.CreateUserAsync())).Request!;
        _idp.Clock.Advance(TimeSpan.FromHours(2));
        var late = (await _idp.SubmitAsync(await _idp.CreateUserAsync())).Request!;
        await _idp.HelpdeskAsync(h => h.ClaimAsync(late.Id, agent.Id, null));

        var queue = await _idp.HelpdeskAsync(h => h.QueueAsync(new QueueFilter(), agent.Id));
        Assert.Equal([early.Id, late.Id], queue.Select(q => q.Request.Id));
        Assert.Equal(TimeSpan.FromHours(22), queue[0].TimeLeft);
        Assert.False(queue[0].Breached);
        Assert.Equal([late.Id], (await _idp.HelpdeskAsync(h => h.QueueAsync(new QueueFilter(AssignedToMe: true), agent.Id))).Select(q => q.Request.Id));
        var colleague = await _idp.CreateStaffAsync("helpdesk");
        Assert.False(await _idp.HelpdeskAsync(h => h.ClaimAsync(late.Id, colleague.Id, null)));

        // Tuesday 11:00 Berlin: the early one is breached.
        _idp.Clock.Advance(TimeSpan.FromHours(23));
        var breached = await _idp.HelpdeskAsync(h => h.QueueAsync(new QueueFilter(Breached: true), agent.Id));
        Assert.Equal([early.Id], breached.Select(q => q.Request.Id));
        Assert.Equal(-TimeSpan.FromHours(1), breached[0].TimeLeft);

        await _idp.HelpdeskAsync(h => h.RejectAsync(early.Id, agent.Id, "no", null));
        var dashboard = await _idp.HelpdeskAsync(h => h.DashboardAsync());
        Assert.Equal(1, dashboard.Open);
        Assert.Equal(1, dashboard.DueToday); // the late one is due Tuesday 12:00
        Assert.Equal(0, dashboard.Breached);
        Assert.Equal(1, dashboard.DecidedLast30Days);
        Assert.Equal(0.0, dashboard.DecidedWithinSlaShare);
        Assert.Equal(TimeSpan.FromHours(25), dashboard.MedianTimeToDecision);
    }
}
