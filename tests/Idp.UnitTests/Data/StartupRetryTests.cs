using System.Data.Common;
using Idp.Data;
using Idp.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Idp.UnitTests.Data;

/// <summary>
/// A node that starts while its database restarts waits for it (a broken or refused connection is transient) instead
/// of exiting; any other error, or a database away for longer than <see cref="StartupRetry.Patience"/>, still ends
/// the start.
/// </summary>
public sealed class StartupRetryTests
{
    private sealed class TestDbException(bool transient) : DbException("database")
    {
        public override bool IsTransient => transient;
    }

    /// <summary>Runs the retry, moving the fake clock on whenever it waits, until it is done.</summary>
    private static async Task<Exception?> RunAsync(FakeTimeProvider clock, Func<CancellationToken, Task> step)
    {
        var run = StartupRetry.RunAsync(step, clock, NullLogger.Instance, CancellationToken.None);
        while (!run.IsCompleted)
        {
            await Task.Delay(5);
            clock.Advance(TimeSpan.FromMilliseconds(250));
        }
        try
        {
            await run;
            return null;
        }
        catch (Exception exception)
        {
            return exception;
        }
    }

    [Fact]
    public async Task TransientErrors_AreTriedAgain_UntilTheStepSucceeds()
    {
        var clock = new FakeTimeProvider();
        var attempts = 0;

        var failure = await RunAsync(clock, _ => ++attempts < 3
            // As EF Core reports a connection that broke in a save: wrapped, the database's own exception inside.
            ? throw new InvalidOperationException("likely transient", new TestDbException(transient: true))
            : Task.CompletedTask);

        Assert.Null(failure);
        Assert.Equal(3, attempts);
    }

    [Fact]
    public async Task OtherErrors_EndTheStart_AtOnce()
    {
        var clock = new FakeTimeProvider();
        var attempts = 0;

        var failure = await RunAsync(clock, _ =>
        {
            attempts++;
            throw new InvalidOperationException("no", new TestDbException(transient: false));
        });

        Assert.IsType<InvalidOperationException>(failure);
        Assert.Equal(1, attempts);
    }

    [Fact]
    public async Task ADatabaseAwayLongerThanThePatience_EndsTheStart()
    {
        var clock = new FakeTimeProvider();
        var started = clock.GetUtcNow();
        var attempts = 0;

        var failure = await RunAsync(clock, _ =>
        {
            attempts++;
            throw new TestDbException(transient: true);
        });

        Assert.IsType<TestDbException>(failure);
        Assert.InRange(attempts, 5, 20);
        Assert.InRange(clock.GetUtcNow() - started, StartupRetry.Patience - TimeSpan.FromSeconds(10), StartupRetry.Patience + TimeSpan.FromSeconds(1));
    }
}
