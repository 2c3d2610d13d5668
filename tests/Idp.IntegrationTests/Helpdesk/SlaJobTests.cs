using Idp.Helpdesk;
using Idp.IntegrationTests.Infrastructure;
using Idp.Jobs;
using Idp.Testing;
using Microsoft.EntityFrameworkCore;

namespace Idp.IntegrationTests.Helpdesk;

/// <summary>
/// The SLA events with a moved clock: a reminder at 75 %, escalation and breach at the due time, each once, also across
/// a restart, a concurrent second run and downtime; and the clustered Quartz store firing each job once on two nodes.
/// </summary>
public sealed class SlaJobTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private const string Helpdesk = "helpdesk-team@example.test";
    private const string Supervisors = "supervisors@example.test";

    // Friday 13 November 2026, 15:00 in Berlin (14:00 UTC): due Monday 15:00, reminder Monday 09:00.
    private static readonly DateTimeOffset FridayAfternoon = new(2026, 11, 13, 14, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset MondayNine = new(2026, 11, 16, 8, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset MondayThree = new(2026, 11, 16, 14, 0, 0, TimeSpan.Zero);

    /// <summary>The key-encryption key of every node of these tests (a restarted node must read the same signing keys).</summary>
    private static readonly string KeyEncryptionKey = IdpFactory.NewKeyEncryptionKey();

    private static IdpFactory Node(TestDatabase database, FakeTimeProvider clock, string name = "A") =>
        new IdpFactory(database, ownsDatabase: false, KeyEncryptionKey, clock, name)
            .WithSetting("Idp:Helpdesk:ReminderTo:0", Helpdesk)
            .WithSetting("Idp:Helpdesk:EscalationTo:0", Supervisors);

    [Fact]
    public async Task Reminder_Escalation_AndBreach_FireOnce_AcrossARestart()
    {
        using var database = TestDatabase.Create();
        var clock = new FakeTimeProvider(FridayAfternoon);
        ResetRequest request;
        await using (var first = Node(database, clock))
        {
            request = (await first.SubmitAsync(await first.CreateUserAsync())).Request!;
            Assert.Equal(MondayThree, request.DueAt);
            Assert.Equal(MondayNine, request.RemindAt);

            clock.SetUtcNow(MondayNine.AddSeconds(-1));
            Assert.Equal(new SlaMonitor.Result(0, 0), await first.RunSlaAsync());
            clock.SetUtcNow(MondayNine);
            Assert.Equal(new SlaMonitor.Result(1, 0), await first.RunSlaAsync());
            Assert.Equal(new SlaMonitor.Result(0, 0), await first.RunSlaAsync());
        }

        // A restart (a new process on the same database) sends nothing again …
        await using var second = Node(database, clock);
        Assert.Equal(new SlaMonitor.Result(0, 0), await second.RunSlaAsync());
        // … and escalates once at the due time, marking the breach.
        clock.SetUtcNow(MondayThree);
        Assert.Equal(new SlaMonitor.Result(0, 1), await second.RunSlaAsync());
        Assert.Equal(new SlaMonitor.Result(0, 0), await second.RunSlaAsync());

        var stored = await second.HelpdeskAsync(h => h.FindAsync(request.Id));
        Assert.Equal(MondayNine, stored!.ReminderSentAt);
        Assert.Equal(MondayThree, stored.EscalatedAt);
        Assert.Equal(MondayThree, stored.BreachedAt);
        var reminders = await second.OutboxMessagesAsync(Helpdesk);
        Assert.Contains(request.Reference, Assert.Single(reminders).Subject);
        Assert.Contains(request.Reference, Assert.Single(await second.OutboxMessagesAsync(Supervisors)).Subject);
        Assert.Equal(1, await second.WithDbAsync(db => db.AuditEvents.CountAsync(a => a.Type == HelpdeskAuditEvents.Breached)));
        Assert.Single(await second.HelpdeskAsync(h => h.QueueAsync(new QueueFilter(Breached: true), "agent")));
    }

    [Fact]
    public async Task AfterDowntime_NothingIsSkipped_ReminderThenEscalation()
    {
        using var database = TestDatabase.Create();
        var clock = new FakeTimeProvider(FridayAfternoon);
        await using var idp = Node(database, clock);
        await idp.SubmitAsync(await idp.CreateUserAsync());

        // Nothing ran over the weekend and Monday: the first run on Tuesday catches up both.
        clock.SetUtcNow(MondayThree.AddHours(20));
        Assert.Equal(new SlaMonitor.Result(1, 1), await idp.RunSlaAsync());
        Assert.Single(await idp.OutboxMessagesAsync(Helpdesk));
        Assert.Single(await idp.OutboxMessagesAsync(Supervisors));
        Assert.Equal(new SlaMonitor.Result(0, 0), await idp.RunSlaAsync());
    }

    [Fact]
    public async Task DecidedRequests_AreNeitherRemindedNorEscalated()
    {
        using var database = TestDatabase.Create();
        var clock = new FakeTimeProvider(FridayAfternoon);
        await using var idp = Node(database, clock);
        var request = (await idp.SubmitAsync(await idp.CreateUserAsync())).Request!;
        var agent = await idp.CreateStaffAsync("helpdesk");
        await idp.HelpdeskAsync(h => h.RejectAsync(request.Id, agent.Id, "duplicate", null));

        clock.SetUtcNow(MondayThree.AddHours(1));
        Assert.Equal(new SlaMonitor.Result(0, 0), await idp.RunSlaAsync());
        Assert.Empty(await idp.OutboxMessagesAsync(Helpdesk));
    }

    [Fact]
    public async Task TwoNodesRunningAtOnce_SendEachReminderOnce()
    {
        await using var cluster = new IdpCluster(2);
        cluster.Configure(node => node
            .WithSetting("Idp:Helpdesk:ReminderTo:0", Helpdesk)
            .WithSetting("Idp:Helpdesk:EscalationTo:0", Supervisors)).Start();
        var requests = new List<ResetRequest>();
        for (var i = 0; i < 5; i++)
            requests.Add((await cluster.NodeA.SubmitAsync(await cluster.NodeA.CreateUserAsync(), ip: $"192.0.2.{i + 1}")).Request!);
        cluster.Clock.Advance(TimeSpan.FromDays(10));

        var results = await Task.WhenAll(cluster.NodeA.RunSlaAsync(), cluster.NodeB.RunSlaAsync(), cluster.NodeA.RunSlaAsync(), cluster.NodeB.RunSlaAsync());

        Assert.Equal(5, results.Sum(r => r.Reminders));
        Assert.Equal(5, results.Sum(r => r.Escalations));
        Assert.Equal(5, (await cluster.NodeA.OutboxMessagesAsync(Helpdesk)).Count);
        Assert.Equal(5, (await cluster.NodeA.OutboxMessagesAsync(Supervisors)).Count);
    }

    /// <summary>
    /// Two scheduler nodes with jobs on, on one PostgreSQL (Quartz's clustered ADO.NET store): every scheduled firing of
    /// the SLA job runs on exactly one node, and the request's reminder and escalation go out once.
    /// </summary>
    [PostgresFact]
    public Task ClusteredScheduler_OnPostgres_RunsEachFiringOnOneNode() =>
        ClusteredSchedulerRunsEachFiringOnOneNode("SELECT count(*)::int AS \"Value\" FROM qrtz_triggers");

    /// <summary>The same on SQL Server (Quartz's SQL Server delegate and schema); runs only against an operator's server.</summary>
    [SqlServerFact]
    public Task ClusteredScheduler_OnSqlServer_RunsEachFiringOnOneNode() =>
        ClusteredSchedulerRunsEachFiringOnOneNode("SELECT COUNT(*) AS [Value] FROM QRTZ_TRIGGERS");

    private async Task ClusteredSchedulerRunsEachFiringOnOneNode(string countTriggersSql)
    {
        await using var cluster = new IdpCluster(2);
        cluster.Configure(node => node
            .WithOutput(output)
            .WithSetting("Idp:Jobs:Enabled", "true")
            .WithSetting("Idp:Helpdesk:CheckInterval", "00:00:05")
            .WithSetting("Idp:Helpdesk:ReminderTo:0", Helpdesk)
            .WithSetting("Idp:Helpdesk:EscalationTo:0", Supervisors));
        cluster.NodeA.Start();
        var request = (await cluster.NodeA.SubmitAsync(await cluster.NodeA.CreateUserAsync())).Request!;
        // Due long ago.
        var past = cluster.Clock.GetUtcNow().AddDays(-3);
        await cluster.NodeA.WithDbAsync(db => db.Set<ResetRequest>().Where(r => r.Id == request.Id)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.RemindAt, past).SetProperty(r => r.DueAt, past)));
        // The application's clock (which Quartz uses too) follows real time from here on.
        using var ticking = new CancellationTokenSource();
        var ticker = Task.Run(async () =>
        {
            while (!ticking.IsCancellationRequested)
            {
                await Task.Delay(100);
                cluster.Clock.Advance(TimeSpan.FromMilliseconds(100));
            }
        });
        cluster.NodeB.Start();

        var deadline = DateTime.UtcNow.AddSeconds(60);
        List<(string Node, string FireTime)> firings;
        do
        {
            await Task.Delay(1000);
            firings = cluster.Nodes.SelectMany(node => node.Logs.Entries
                .Where(e => e.EventId.Id == 5070)
                .Select(e => (node.NodeName, e.Message.Split(" runs on ")[0]))).ToList();
        }
        while (firings.Count < 4 && DateTime.UtcNow < deadline);
        await ticking.CancelAsync();
        await ticker;

        Assert.True(firings.Count >= 4, $"only {firings.Count} firings in 60 s");
        // Each scheduled fire time ran once, on one node.
        Assert.Equal(firings.Count, firings.Select(f => f.FireTime).Distinct().Count());
        Assert.Single(await cluster.NodeA.OutboxMessagesAsync(Helpdesk));
        Assert.Single(await cluster.NodeA.OutboxMessagesAsync(Supervisors));
        Assert.NotNull((await cluster.NodeB.HelpdeskAsync(h => h.FindAsync(request.Id)))!.BreachedAt);
        // The schedule is in the database (it survives restarts).
        var triggers = await cluster.NodeA.WithDbAsync(db => db.Database.SqlQueryRaw<int>(countTriggersSql).SingleAsync());
        Assert.True(triggers >= 3);
    }
}
