namespace Idp.Factors;

/// <summary>Second-factor log events (3000–3099). Never a code or a secret.</summary>
internal static partial class FactorsLog
{
    [LoggerMessage(EventId = 3000, Level = LogLevel.Information, Message = "{Kind} factor {FactorId} enrolled for {SubjectId}")]
    public static partial void Enrolled(ILogger logger, string subjectId, FactorKind kind, string factorId);

    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "Enrolment code wrong for {SubjectId}")]
    public static partial void EnrolmentCodeWrong(ILogger logger, string subjectId);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Information, Message = "{Kind} factor {FactorId} of {SubjectId} verified")]
    public static partial void Verified(ILogger logger, string subjectId, FactorKind kind, string factorId);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Information, Message = "Code refused for factor {FactorId} of {SubjectId}: failure {Failures} (replay: {Replayed})")]
    public static partial void CodeRefused(ILogger logger, string subjectId, string factorId, int failures, bool replayed);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Warning, Message = "Factor {FactorId} of {SubjectId} locked after {Failures} failures")]
    public static partial void Locked(ILogger logger, string subjectId, string factorId, int failures);

    [LoggerMessage(EventId = 3005, Level = LogLevel.Information, Message = "Recovery codes generated for {SubjectId}")]
    public static partial void RecoveryCodesGenerated(ILogger logger, string subjectId);

    [LoggerMessage(EventId = 3006, Level = LogLevel.Information, Message = "Recovery code used by {SubjectId}; {Left} left")]
    public static partial void RecoveryCodeUsed(ILogger logger, string subjectId, int left);

    [LoggerMessage(EventId = 3007, Level = LogLevel.Information, Message = "Recovery code refused for {SubjectId}")]
    public static partial void RecoveryCodeRefused(ILogger logger, string subjectId);

    [LoggerMessage(EventId = 3008, Level = LogLevel.Information, Message = "{Kind} factor {FactorId} of {SubjectId} removed")]
    public static partial void Removed(ILogger logger, string subjectId, FactorKind kind, string factorId);

    [LoggerMessage(EventId = 3010, Level = LogLevel.Information, Message = "Second factor decision for {SubjectId}: {Outcome}")]
    public static partial void Decided(ILogger logger, string subjectId, string outcome);

    [LoggerMessage(EventId = 3011, Level = LogLevel.Information, Message = "Sign-in of {SubjectId} completed with {Kind} ({Mode})")]
    public static partial void Completed(ILogger logger, string subjectId, FactorKind kind, string mode);

    [LoggerMessage(EventId = 3012, Level = LogLevel.Information, Message = "Browser trusted by {SubjectId} for {Days} days")]
    public static partial void BrowserTrusted(ILogger logger, string subjectId, int days);

    [LoggerMessage(EventId = 3014, Level = LogLevel.Information, Message = "Pending sign-in missing or stale")]
    public static partial void PendingMissing(ILogger logger);
}
