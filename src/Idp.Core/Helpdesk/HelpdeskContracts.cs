namespace Idp.Helpdesk;

/// <summary>What the user types in the "I cannot use my second factor" form.</summary>
public sealed record ResetRequestForm(ResetReason Reason, string Contact, string? Message)
{
    public const int ContactMaxLength = 200;
    public const int MessageMaxLength = 2000;
}

public enum SubmitOutcome
{
    /// <summary>A new request was created.</summary>
    Created,
    /// <summary>The user already has an open request; it is returned instead.</summary>
    AlreadyOpen,
    /// <summary>Too many requests from this user or this address; nothing was created.</summary>
    TooMany,
    /// <summary>The form is incomplete or too long.</summary>
    Invalid,
}

public sealed record SubmitResult(SubmitOutcome Outcome, ResetRequest? Request);

public enum DecisionOutcome
{
    /// <summary>Decided (approved or rejected) and carried out.</summary>
    Done,
    /// <summary>Four-eyes: the first approval is recorded; a second agent must approve.</summary>
    FirstApprovalRecorded,
    /// <summary>Four-eyes: the same agent cannot give the second approval.</summary>
    SecondAgentRequired,
    /// <summary>An agent cannot decide their own request.</summary>
    OwnRequest,
    /// <summary>The request is no longer open (decided by someone else in the meantime).</summary>
    NotOpen,
    NotFound,
    /// <summary>A note or reason is required (a rejection reason is shown to the user).</summary>
    ReasonRequired,
}

/// <param name="TemporaryAccessPass">The code of an issued temporary access pass, in clear: show it once to the agent, it is stored only hashed.</param>
public sealed record DecisionResult(DecisionOutcome Outcome, ResetRequest? Request, string? TemporaryAccessPass = null, DateTimeOffset? TemporaryAccessPassExpiresAt = null);

/// <summary>Filters of the helpdesk queue. <see cref="State"/> null lists every state.</summary>
public sealed record QueueFilter(ResetRequestState? State = ResetRequestState.Open, bool? Breached = null, bool AssignedToMe = false, int Limit = 200);

/// <param name="TimeLeft">SLA working time left until the due time; negative (real time since) once breached.</param>
public sealed record QueueItem(ResetRequest Request, string AccountNumber, string FullName, string? Email, TimeSpan TimeLeft, bool Breached);

/// <param name="DecidedWithinSlaShare">Share (0–1) of requests decided in the last 30 days that were decided by their due time; null when none were decided.</param>
/// <param name="MedianTimeToDecision">Median real time from submission to decision over the last 30 days; null when none were decided.</param>
public sealed record SlaDashboard(int Open, int DueToday, int Breached, int DecidedLast30Days, double? DecidedWithinSlaShare, TimeSpan? MedianTimeToDecision);

public enum TemporaryAccessPassOutcome
{
    Accepted,
    Invalid,
    /// <summary>Too many wrong codes: wait before the next try.</summary>
    Wait,
}

/// <summary>Audit event types of the helpdesk; <c>ActorId</c> is the agent, <c>SubjectId</c> the user.</summary>
public static class HelpdeskAuditEvents
{
    public const string RequestSubmitted = "helpdesk.request_submitted";
    public const string RequestRefused = "helpdesk.request_refused";
    public const string RequestClaimed = "helpdesk.request_claimed";
    public const string RequestAssigned = "helpdesk.request_assigned";
    public const string RequestFirstApproval = "helpdesk.request_first_approval";
    public const string RequestApproved = "helpdesk.request_approved";
    public const string RequestRejected = "helpdesk.request_rejected";
    public const string PassIssued = "helpdesk.pass_issued";
    public const string PassUsed = "helpdesk.pass_used";
    public const string PassFailed = "helpdesk.pass_failed";
    public const string ReminderSent = "helpdesk.sla_reminder";
    public const string Escalated = "helpdesk.sla_escalated";
    public const string Breached = "helpdesk.sla_breached";
}

internal static partial class HelpdeskLog
{
    [LoggerMessage(EventId = 6001, Level = LogLevel.Information, Message = "Reset request {Reference} submitted for {SubjectId}, due {DueAt}")]
    public static partial void Submitted(ILogger logger, string reference, string subjectId, DateTimeOffset dueAt);

    [LoggerMessage(EventId = 6002, Level = LogLevel.Warning, Message = "Reset request of {SubjectId} refused: too many submissions")]
    public static partial void SubmissionThrottled(ILogger logger, string subjectId);

    [LoggerMessage(EventId = 6003, Level = LogLevel.Information, Message = "Reset request {Reference}: {Decision} by {AgentId}")]
    public static partial void Decided(ILogger logger, string reference, string decision, string agentId);

    [LoggerMessage(EventId = 6004, Level = LogLevel.Information, Message = "Helpdesk reset of {SubjectId}: {Removed} factors revoked, sessions and tokens ended, enrolment due")]
    public static partial void FactorsRevoked(ILogger logger, string subjectId, int removed);

    [LoggerMessage(EventId = 6005, Level = LogLevel.Information, Message = "Temporary access pass used by {SubjectId}")]
    public static partial void PassUsed(ILogger logger, string subjectId);
}