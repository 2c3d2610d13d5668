using Idp.Data.Entities;

namespace Idp.Factors.Push;

/// <summary>Push log events (3200–3229). Never a code, a token or a signature.</summary>
internal static partial class PushLog
{
    [LoggerMessage(EventId = 3200, Level = LogLevel.Information, Message = "Push registration {RegistrationId} started for {SubjectId}; code sent by SMS")]
    public static partial void RegistrationStarted(ILogger logger, string subjectId, string registrationId);

    [LoggerMessage(EventId = 3201, Level = LogLevel.Information, Message = "Push registration refused for {SubjectId}: {Reason}")]
    public static partial void RegistrationRefused(ILogger logger, string subjectId, string reason);

    [LoggerMessage(EventId = 3202, Level = LogLevel.Information, Message = "Push request {RequestId} created for {SubjectId}")]
    public static partial void Requested(ILogger logger, string subjectId, string requestId);

    [LoggerMessage(EventId = 3203, Level = LogLevel.Information, Message = "Push request {RequestId} of {SubjectId} decided: {Outcome}")]
    public static partial void Decided(ILogger logger, string subjectId, string requestId, PushRequestState outcome);

    [LoggerMessage(EventId = 3204, Level = LogLevel.Warning, Message = "Push decision on {RequestId} of {SubjectId} refused: {Reason}")]
    public static partial void DecisionRefused(ILogger logger, string subjectId, string requestId, string reason);

    [LoggerMessage(EventId = 3205, Level = LogLevel.Warning, Message = "Push request for {SubjectId} refused: {Reason}")]
    public static partial void Throttled(ILogger logger, string subjectId, string reason);

    [LoggerMessage(EventId = 3206, Level = LogLevel.Warning, Message = "Push request {RequestId} of {SubjectId} reported as not made by the user")]
    public static partial void Reported(ILogger logger, string subjectId, string requestId);

    [LoggerMessage(EventId = 3207, Level = LogLevel.Information, Message = "Web Push to credential {CredentialId}: {Result}")]
    public static partial void WebPushSent(ILogger logger, string credentialId, WebPushResult result);

    [LoggerMessage(EventId = 3208, Level = LogLevel.Warning, Message = "Web Push to credential {CredentialId} failed: {Error}")]
    public static partial void WebPushFailed(ILogger logger, string credentialId, string error);
}
