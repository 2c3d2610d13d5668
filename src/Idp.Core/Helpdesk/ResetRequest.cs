namespace Idp.Helpdesk;

/// <summary>Why the user cannot use their second factor (the form's choice). Persisted: never renumber.</summary>
public enum ResetReason
{
    Lost = 1,
    Broken = 2,
    NewPhone = 3,
    Other = 4,
}

/// <summary>Where a reset request stands. Persisted: never renumber.</summary>
public enum ResetRequestState
{
    /// <summary>Waiting for the helpdesk (possibly with a first approval of a four-eyes request).</summary>
    Open = 1,
    Approved = 2,
    Rejected = 3,
}

/// <summary>How an approved request was resolved. Persisted: never renumber.</summary>
public enum ResetResolution
{
    /// <summary>All second factors revoked, sessions and refresh tokens ended, enrolment at the next sign-in.</summary>
    FactorsRevoked = 1,
    /// <summary>A temporary access pass was issued; it leads to enrolment at the next sign-in.</summary>
    TemporaryAccessPass = 2,
}

/// <summary>
/// A user's request to reset their second factor ("Ich kann meinen zweiten Faktor nicht nutzen"), decided by the
/// helpdesk within the SLA. The SLA markers (<see cref="ReminderSentAt"/>, <see cref="EscalatedAt"/>,
/// <see cref="BreachedAt"/>) are claimed by conditional updates, so each happens once across restarts and nodes.
/// </summary>
public sealed class ResetRequest
{
    public string Id { get; set; } = "";

    /// <summary>The human-friendly reference the user quotes, e.g. <c>R-7KQ4MZ2P</c>.</summary>
    public string Reference { get; set; } = "";

    public string SubjectId { get; set; } = "";

    /// <summary>The subject while the request is open, null once decided: a unique index allows one open request per user.</summary>
    public string? OpenFor { get; set; }

    public ResetReason Reason { get; set; }

    /// <summary>How to reach the user (phone number, e-mail address…), as typed.</summary>
    public string Contact { get; set; } = "";

    /// <summary>The user's free text.</summary>
    public string? Message { get; set; }

    public ResetRequestState State { get; set; } = ResetRequestState.Open;

    /// <summary>The account belonged to staff (helpdesk, supervisor, admin) at submission: two agents must approve.</summary>
    public bool RequiresFourEyes { get; set; }

    public DateTimeOffset SubmittedAt { get; set; }

    /// <summary>When the decision is due (SLA, working-day clock).</summary>
    public DateTimeOffset DueAt { get; set; }

    /// <summary>When the helpdesk is reminded (75 % of the SLA time by default).</summary>
    public DateTimeOffset RemindAt { get; set; }

    public string? AssignedTo { get; set; }
    public DateTimeOffset? AssignedAt { get; set; }

    /// <summary>Four-eyes: the first agent who approved, waiting for a second one.</summary>
    public string? FirstApprovedBy { get; set; }
    public DateTimeOffset? FirstApprovedAt { get; set; }
    public string? FirstApprovalNote { get; set; }

    public DateTimeOffset? DecidedAt { get; set; }
    public string? DecidedBy { get; set; }
    public ResetResolution? Resolution { get; set; }

    /// <summary>The agent's internal note on approval (not shown to the user).</summary>
    public string? DecisionNote { get; set; }

    /// <summary>The reason of a rejection; the user sees it.</summary>
    public string? RejectionReason { get; set; }

    public DateTimeOffset? ReminderSentAt { get; set; }
    public DateTimeOffset? EscalatedAt { get; set; }

    /// <summary>Set once when an open request passes its due time.</summary>
    public DateTimeOffset? BreachedAt { get; set; }

    public bool IsOpen => State == ResetRequestState.Open;

    /// <summary>Decided after the due time, or still open past it.</summary>
    public bool IsBreachedAt(DateTimeOffset now) => (DecidedAt ?? now) > DueAt;
}

/// <summary>
/// A temporary access pass: a one-time code issued by the helpdesk that the user types instead of the second factor;
/// it leads straight to enrolment. Only the SHA-256 of the code is stored.
/// </summary>
public sealed class TemporaryAccessPass
{
    public string Id { get; set; } = "";
    public string SubjectId { get; set; } = "";
    public string CodeHash { get; set; } = "";
    public string? RequestId { get; set; }
    public string IssuedBy { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public DateTimeOffset? UsedAt { get; set; }

    /// <summary>Consecutive wrong codes typed for this user's pass (throttled like a factor).</summary>
    public int FailedAttempts { get; set; }
    public DateTimeOffset? NextAttemptAt { get; set; }
}
