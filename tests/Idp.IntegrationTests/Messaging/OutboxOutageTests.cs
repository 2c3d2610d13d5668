using System.Data.Common;
using Idp.Data.Entities;
using Idp.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace Idp.IntegrationTests.Messaging;

/// <summary>A message that left while the database went away is recorded once it answers again, and never sent twice.</summary>
public sealed class OutboxOutageTests
{
    [Fact]
    public async Task SentMessage_WhoseRecordMeetsADatabaseOutage_IsRecordedWhenItAnswers_AndNotSentAgain()
    {
        var outage = new OutageOnRecordingSent();
        await using var sink = SmtpSink.StartNew();
        await using var factory = new IdpFactory().WithSmtp(sink).WithoutBackgroundDispatcher()
            .WithServices(services => services.AddSingleton<IInterceptor>(outage));
        await factory.SendMailAsync("outage@example.test");

        // The dispatcher waits on Idp's clock between attempts to record; move it until the round is over.
        var round = factory.DispatchAsync();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!round.IsCompleted && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
            factory.Clock.Advance(TimeSpan.FromMilliseconds(500));
        }
        Assert.Equal(1, await round);
        Assert.True(outage.Happened);
        var row = await factory.WithDbAsync(db => db.Outbox.AsNoTracking().SingleAsync(m => m.Recipient == "outage@example.test"));
        Assert.NotNull(row.SentAt);
        Assert.Null(row.ClaimedBy);

        // Long after the claim would have lapsed: no second copy.
        factory.Clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal(0, await factory.DispatchAsync());
        Assert.Single(sink.Received);
    }

    /// <summary>The first attempt to record a message as sent fails as a database restart would.</summary>
    private sealed class OutageOnRecordingSent : DbCommandInterceptor
    {
        private int _thrown;

        public bool Happened => _thrown == 1;

        public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
        {
            if (command.CommandText.Contains("UPDATE \"Outbox\"", StringComparison.Ordinal) && command.CommandText.Contains("\"SentAt\" = @", StringComparison.Ordinal)
                && Interlocked.Exchange(ref _thrown, 1) == 0)
                throw new DatabaseRestarting();
            return ValueTask.FromResult(result);
        }
    }

    private sealed class DatabaseRestarting : DbException
    {
        public DatabaseRestarting() : base("the database system is shutting down") { }

        public override bool IsTransient => true;
    }
}
