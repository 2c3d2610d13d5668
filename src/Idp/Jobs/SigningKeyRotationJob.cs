using Idp.Protocol.Keys;
using Quartz;

namespace Idp.Jobs;

/// <summary>Runs the signing key rotation (<see cref="SigningKeyManager.EnsureKeysAsync"/>) every <c>Idp:SigningKeys:CheckInterval</c>.</summary>
[DisallowConcurrentExecution]
public sealed partial class SigningKeyRotationJob(SigningKeyManager manager, ILogger<SigningKeyRotationJob> logger) : IJob
{
    public static readonly JobKey Key = new("signing-key-rotation", "idp");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await manager.EnsureKeysAsync(cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            LogFailed(exception);
            throw;
        }
    }

    [LoggerMessage(EventId = 5050, Level = LogLevel.Error, Message = "Signing key rotation failed; it is tried again at the next check")]
    private partial void LogFailed(Exception exception);
}
