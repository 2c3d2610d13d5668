using System.Text.RegularExpressions;
using Idp.Data.Entities;
using Idp.IntegrationTests.Infrastructure;
using Idp.IntegrationTests.SignIn;
using Idp.Messaging;
using Microsoft.EntityFrameworkCore;

namespace Idp.IntegrationTests.Messaging;

public sealed partial class SmtpDeliveryTests
{
    [Fact]
    public async Task Registration_InProduction_SendsConfirmationMailOverSmtp()
    {
        await using var sink = SmtpSink.StartNew();
        await using var factory = new IdpFactory().WithEnvironment("Production").WithSmtp(sink);
        using var browser = factory.CreateBrowser();

        var done = await browser.RegisterAsync("smtp.user@example.test");
        Assert.EndsWith("/register/done", done.Url.AbsolutePath);

        // The background dispatcher delivers it (woken by the write, or at its next poll on the fake clock).
        var mail = Assert.Single(await WaitForMailAsync(sink, factory));
        Assert.Equal("smtp.user@example.test", mail.To.Mailboxes.Single().Address);
        Assert.Equal(SmtpSettings.From, mail.From.Mailboxes.Single().Address);
        var link = ConfirmLink().Match(mail.TextBody).Value;
        Assert.NotEmpty(link);
        var confirmed = await browser.GetAsync(link[IdpFactory.Issuer.Length..]);
        Assert.Contains("confirmed", confirmed.Notice());

        // The sink has the message a moment before the dispatcher records it as sent.
        await EventuallyAsync(async () => (await RowAsync(factory, "smtp.user@example.test")).SentAt is not null);
        var row = await RowAsync(factory, "smtp.user@example.test");
        Assert.Equal(1, row.Attempts);
        Assert.Null(row.ClaimedBy);
    }

    [Fact]
    public async Task Smtp_ServerDownForAWhile_MailArrivesOnceAfterItComesBack()
    {
        await using var sink = SmtpSink.NotStarted();
        await using var factory = new IdpFactory().WithSmtp(sink).WithoutBackgroundDispatcher()
            .WithSetting("Idp:Email:RetryDelay", "00:01:00");
        await factory.SendMailAsync("down@example.test");

        Assert.Equal(0, await factory.DispatchAsync());
        var failed = await RowAsync(factory, "down@example.test");
        Assert.Equal(1, failed.Attempts);
        Assert.Null(failed.SentAt);
        Assert.Null(failed.FailedAt);
        Assert.NotNull(failed.LastError);
        Assert.InRange(failed.NextAttemptAt - factory.Clock.GetUtcNow(), TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(1));

        // Back up, but the backoff has not passed yet: nothing is sent early.
        sink.Start();
        factory.Clock.Advance(TimeSpan.FromSeconds(20));
        Assert.Equal(0, await factory.DispatchAsync());
        Assert.Empty(sink.Received);

        factory.Clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(1, await factory.DispatchAsync());
        factory.Clock.Advance(TimeSpan.FromDays(1));
        Assert.Equal(0, await factory.DispatchAsync());

        Assert.Single(sink.Received);
        var sent = await RowAsync(factory, "down@example.test");
        Assert.NotNull(sent.SentAt);
        Assert.Equal(2, sent.Attempts);
    }

    [Fact]
    public async Task Smtp_Backoff_DoublesWithEachFailure_UpToTheMaximum()
    {
        await using var sink = SmtpSink.NotStarted();
        await using var factory = new IdpFactory().WithSmtp(sink).WithoutBackgroundDispatcher()
            .WithSetting("Idp:Email:RetryDelay", "00:01:00")
            .WithSetting("Idp:Email:MaxRetryDelay", "00:04:00");
        await factory.SendMailAsync("backoff@example.test");

        var waits = new List<TimeSpan>();
        for (var attempt = 0; attempt < 5; attempt++)
        {
            await factory.DispatchAsync();
            var row = await RowAsync(factory, "backoff@example.test");
            var wait = row.NextAttemptAt - factory.Clock.GetUtcNow();
            waits.Add(wait);
            factory.Clock.Advance(wait);
        }

        // Each wait is a random point in the upper half of 1, 2, 4, 4, 4 minutes.
        double[] expected = [1, 2, 4, 4, 4];
        for (var i = 0; i < waits.Count; i++)
            Assert.InRange(waits[i].TotalMinutes, expected[i] / 2, expected[i]);
    }

    [Fact]
    public async Task Smtp_GivesUp_AfterConfiguredTime_MarksFailed()
    {
        await using var sink = SmtpSink.NotStarted();
        await using var factory = new IdpFactory().WithSmtp(sink).WithoutBackgroundDispatcher()
            .WithSetting("Idp:Email:GiveUpAfter", "00:10:00")
            .WithSetting("Idp:Email:RetryDelay", "00:01:00")
            .WithSetting("Idp:Email:MaxRetryDelay", "00:02:00");
        await factory.SendMailAsync("never@example.test");

        for (var minute = 0; minute <= 12; minute++)
        {
            await factory.DispatchAsync();
            factory.Clock.Advance(TimeSpan.FromMinutes(1));
        }

        var row = await RowAsync(factory, "never@example.test");
        Assert.NotNull(row.FailedAt);
        Assert.Null(row.SentAt);
        Assert.InRange(row.Attempts, 4, 10);
        Assert.NotNull(row.LastError);
        Assert.Null(row.ClaimedBy);
        var backlog = await factory.WithDbAsync(db => OutboxBacklog.ReadAsync(db, CancellationToken.None));
        Assert.Equal(0, backlog.Count);
        Assert.Equal(1, backlog.Failed);

        // Failed is final: the server coming back does not resurrect it.
        sink.Start();
        factory.Clock.Advance(TimeSpan.FromDays(1));
        Assert.Equal(0, await factory.DispatchAsync());
        Assert.Empty(sink.Received);
        Assert.True(factory.Logs.Contains("marked failed"));
    }

    [Fact]
    public async Task TwoDispatchers_SendEachMessageOnce()
    {
        await using var sink = SmtpSink.StartNew();
        await using var cluster = new IdpCluster().Configure(node => node.WithSmtp(sink)).Start();
        const int count = 30;

        for (var i = 0; i < count; i++)
            await (i % 2 == 0 ? cluster.NodeA : cluster.NodeB).SendMailAsync($"many{i}@example.test", $"Message {i}");
        // Both nodes' background dispatchers are running too: four dispatchers race for the same rows.
        await Task.WhenAll(cluster.NodeA.DispatchAsync(), cluster.NodeB.DispatchAsync());
        await WaitForMailAsync(sink, cluster.NodeA, count);
        // Every send recorded before the clock jumps: a jump past the claims while a send is still in flight would let
        // another dispatcher take it over, which real time (minutes of claim against a send's milliseconds) does not do.
        await EventuallyAsync(() => cluster.NodeA.WithDbAsync(db => db.Outbox.AllAsync(m => m.SentAt != null)));
        cluster.Clock.Advance(TimeSpan.FromMinutes(10));
        await Task.WhenAll(cluster.NodeA.DispatchAsync(), cluster.NodeB.DispatchAsync());

        var subjects = sink.Received.Select(m => m.Subject).ToList();
        Assert.Equal(count, subjects.Count);
        Assert.Equal(count, subjects.Distinct().Count());
        var rows = await cluster.NodeA.WithDbAsync(db => db.Outbox.AsNoTracking().ToListAsync());
        Assert.All(rows, row =>
        {
            Assert.NotNull(row.SentAt);
            Assert.Equal(1, row.Attempts);
        });
    }

    [Fact]
    public async Task Startup_OutsideDevelopment_WithoutSmtp_IsRefused()
    {
        await using var factory = new IdpFactory().WithEnvironment("Production");

        var error = Assert.ThrowsAny<Exception>(() => factory.Start());

        Assert.Contains("Idp:Email:Smtp:Host is required outside Development", error.ToString());
        Assert.Contains("Idp:Email:Mode=OutboxOnly", error.ToString());
    }

    [Fact]
    public async Task Startup_OutsideDevelopment_OutboxOnlySetExplicitly_Starts()
    {
        await using var factory = new IdpFactory().WithEnvironment("Production").WithSetting("Idp:Email:Mode", "OutboxOnly").Start();

        await factory.SendMailAsync("kept@example.test");

        Assert.NotNull(await factory.LatestOutboxMessageAsync("kept@example.test"));
    }

    [Fact]
    public async Task Startup_SmtpWithoutSenderAddress_IsRefused()
    {
        await using var sink = SmtpSink.NotStarted();
        await using var factory = new IdpFactory().WithSmtp(sink).WithSetting("Idp:Email:Smtp:From:Address", "");

        var error = Assert.ThrowsAny<Exception>(() => factory.Start());

        Assert.Contains("Idp:Email:Smtp:From:Address", error.ToString());
    }

    [Fact]
    public async Task HealthReady_IgnoresSentMail_ButNotMailWaitingTooLong()
    {
        await using var sink = SmtpSink.StartNew();
        await using var factory = new IdpFactory().WithSmtp(sink).WithoutBackgroundDispatcher()
            .WithSetting("Idp:Health:OutboxMaxAge", "00:10:00");
        using var http = factory.CreateClient();
        await factory.SendMailAsync("sent@example.test");
        Assert.Equal(1, await factory.DispatchAsync());
        factory.Clock.Advance(TimeSpan.FromHours(1));

        Assert.Equal(System.Net.HttpStatusCode.OK, (await http.GetAsync("/health/ready")).StatusCode);

        await sink.StopAsync();
        await factory.SendMailAsync("waiting@example.test");
        await factory.DispatchAsync();
        factory.Clock.Advance(TimeSpan.FromMinutes(11));
        Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, (await http.GetAsync("/health/ready")).StatusCode);
    }

    private static Task<OutboxMessage> RowAsync(IdpFactory factory, string recipient) =>
        factory.WithDbAsync(db => db.Outbox.AsNoTracking().SingleAsync(m => m.Recipient == recipient));

    private static async Task EventuallyAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!await condition() && DateTime.UtcNow < deadline)
            await Task.Delay(50);
    }

    /// <summary>Waits for the background dispatcher, moving the fake clock a poll interval now and then.</summary>
    private static async Task<IReadOnlyCollection<MimeKit.MimeMessage>> WaitForMailAsync(SmtpSink sink, IdpFactory factory, int count = 1)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (sink.Received.Count < count && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
            factory.Clock.Advance(TimeSpan.FromSeconds(10));
        }
        return await sink.WaitForAsync(count, TimeSpan.Zero);
    }

    [GeneratedRegex(@"http://localhost/confirm-email\S+")]
    private static partial Regex ConfirmLink();
}
