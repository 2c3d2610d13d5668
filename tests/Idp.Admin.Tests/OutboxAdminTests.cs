using System.Net;
using Idp.Admin.Infrastructure;
using Idp.Admin.Tests.Infrastructure;
using Idp.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace Idp.Admin.Tests;

/// <summary>The outbox page: backlog per kind, failed messages (masked, without content) and "retry".</summary>
public sealed class OutboxAdminTests
{
    [Fact]
    public async Task Outbox_ListsFailedMessagesMasked_AndRetryRequeuesOneAudited()
    {
        await using var world = AdminWorld.Start();
        var (admin, secret) = await world.CreateStaffAsync(StaffRolesFor.Admin);
        var now = world.Idp.Clock.GetUtcNow();
        var (failedId, waitingId) = await world.Idp.WithDbAsync(async db =>
        {
            var failed = new OutboxMessage
            {
                Channel = OutboxChannel.Email, Recipient = "annabelle@example.test", Subject = "Your code", Body = "secret link 12345678",
                CreatedAt = now.AddDays(-3), NextAttemptAt = now.AddDays(-1), Attempts = 7, FailedAt = now.AddDays(-1), LastError = "SmtpCommandException: 550 mailbox unavailable",
            };
            var waiting = new OutboxMessage { Channel = OutboxChannel.BackChannelLogout, Recipient = "portal", Payload = "{}", CreatedAt = now, NextAttemptAt = now.AddHours(1) };
            db.Outbox.AddRange(failed, waiting);
            await db.SaveChangesAsync();
            return (failed.Id, waiting.Id);
        });
        using var browser = world.CreateBrowser();

        var page = await world.SignInToAdminAsync(browser, admin, secret, "/outbox");

        var row = page.Document.QuerySelector($"#outbox-failed tr[data-id='{failedId}']")!;
        Assert.Equal("Email", row.QuerySelector(".kind")!.TextContent);
        Assert.Equal("an•••@example.test", row.QuerySelector(".recipient")!.TextContent);
        Assert.Equal("7", row.QuerySelector(".attempts")!.TextContent);
        Assert.Contains("550 mailbox unavailable", row.QuerySelector(".last-error")!.TextContent);
        Assert.DoesNotContain("12345678", page.Body);
        Assert.DoesNotContain("annabelle", page.Body);
        Assert.Equal("1", page.Document.QuerySelector("#outbox-backlog tr[data-kind=BackChannelLogout] .count")!.TextContent);
        Assert.Equal("0", page.Document.QuerySelector("#outbox-backlog tr[data-kind=Email] .count")!.TextContent);
        Assert.NotNull(page.Document.QuerySelector($"#retry-{failedId} input[name=__RequestVerificationToken]"));

        page = await browser.SubmitFormAsync($"#retry-{failedId}");

        Assert.Null(page.Document.QuerySelector($"#outbox-failed tr[data-id='{failedId}']"));
        Assert.Equal("1", page.Document.QuerySelector("#outbox-backlog tr[data-kind=Email] .count")!.TextContent);
        var requeued = await world.Idp.WithDbAsync(db => db.Outbox.AsNoTracking().SingleAsync(m => m.Id == failedId));
        Assert.Null(requeued.FailedAt);
        Assert.Equal(0, requeued.Attempts);
        Assert.True(requeued.NextAttemptAt <= world.Idp.Clock.GetUtcNow());
        Assert.True(requeued.GiveUpAt > world.Idp.Clock.GetUtcNow(), "a re-queued message gets a new give-up time");
        var audit = await world.Idp.WithDbAsync(db => db.AuditEvents.SingleAsync(e => e.Type == AdminAuditTypes.OutboxMessageRequeued));
        Assert.Equal(admin.Id, audit.ActorId);
        Assert.Equal($"Email message {failedId}", audit.Details);
        Assert.Null((await world.Idp.WithDbAsync(db => db.Outbox.AsNoTracking().SingleAsync(m => m.Id == waitingId))).FailedAt);
    }

    [Fact]
    public async Task Outbox_RetryWithoutAntiforgeryToken_IsRefused()
    {
        await using var world = AdminWorld.Start();
        var (admin, secret) = await world.CreateStaffAsync(StaffRolesFor.Admin);
        var now = world.Idp.Clock.GetUtcNow();
        var id = await world.Idp.WithDbAsync(async db =>
        {
            var failed = new OutboxMessage { Channel = OutboxChannel.Sms, Recipient = "+4915100000042", Body = "code", CreatedAt = now, NextAttemptAt = now, FailedAt = now };
            db.Outbox.Add(failed);
            await db.SaveChangesAsync();
            return failed.Id;
        });
        using var browser = world.CreateBrowser();
        await world.SignInToAdminAsync(browser, admin, secret, "/outbox");

        var forged = await browser.PostAsync($"/outbox?handler=Retry&id={id}", []);

        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.NotNull((await world.Idp.WithDbAsync(db => db.Outbox.AsNoTracking().SingleAsync(m => m.Id == id))).FailedAt);
    }

    [Fact]
    public async Task Outbox_IsForAdminsOnly()
    {
        await using var world = AdminWorld.Start();
        var (agent, secret) = await world.CreateStaffAsync(StaffRolesFor.Supervisor);
        using var browser = world.CreateBrowser();
        await world.SignInToAdminAsync(browser, agent, secret);

        var page = await browser.GetAsync("/outbox");

        Assert.Equal(HttpStatusCode.Forbidden, page.StatusCode);
    }
}
