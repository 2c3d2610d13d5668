using Idp.Helpdesk;
using Quartz;

namespace Idp.Jobs;

/// <summary>
/// Runs <see cref="SlaMonitor"/> every <c>Idp:Helpdesk:CheckInterval</c>: reminders at 75 %, escalation and breach
/// marking at the due time. Exactly-once comes from the monitor's per-request markers, not from Quartz.
/// </summary>
[DisallowConcurrentExecution]
public sealed partial class HelpdeskSlaJob(SlaMonitor monitor, Operations.IdpMetrics metrics, ILogger<HelpdeskSlaJob> logger) : IJob
{
    public static readonly JobKey Key = new("helpdesk-sla", "idp");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default)
    {
        LogFiring(context.ScheduledFireTimeUtc, context.Scheduler.SchedulerInstanceId);
        try
        {
            metrics.SlaBreaches((await monitor.RunAsync(cancellationToken)).Escalations);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            LogFailed(exception);
            throw;
        }
    }

    [LoggerMessage(EventId = 5070, Level = LogLevel.Information, Message = "Helpdesk SLA check scheduled for {ScheduledFireTime:O} runs on scheduler {InstanceId}")]
    private partial void LogFiring(DateTimeOffset? scheduledFireTime, string instanceId);

    [LoggerMessage(EventId = 5071, Level = LogLevel.Error, Message = "Helpdesk SLA check failed; it is tried again at the next run")]
    private partial void LogFailed(Exception exception);
}
