using System.Security.Cryptography;
using Idp.Authentication;
using Idp.Data;
using Idp.Data.Entities;
using Idp.Factors;
using Idp.Protocol.Token;
using Idp.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

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

/// <summary>
/// The helpdesk reset of a lost second factor (journey 9): the user's request, the queue, claim/assign, approval
/// (in one transaction) or rejection, four-eyes for staff accounts, temporary access passes and the SLA numbers.
/// Agents are identified by their user id; which role may call what is decided by the admin application.
/// Every agent action is an audit event with who (actor), when, what (type) and why (details).
/// </summary>
public sealed class HelpdeskRequests(
    IdpDbContext db,
    SlaCalendar calendar,
    FactorRegistry factors,
    TrustedBrowsers trustedBrowsers,
    SessionService sessions,
    TokenRevoker tokens,
    HelpdeskEmails emails,
    TimeProvider clock,
    IOptions<HelpdeskOptions> options,
    ILogger<HelpdeskRequests> logger)
{
    /// <summary>Roles whose accounts need two agents to approve a reset.</summary>
    public static readonly string[] StaffRoles = ["helpdesk", "supervisor", "admin"];

    private const string ReferenceAlphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
    private const string PassAlphabet = "23456789abcdefghjkmnpqrstuvwxyz";

    // ---- the user's side ----

    /// <summary>
    /// Creates a request for <paramref name="user"/> (who has typed the right password), or returns their open one.
    /// Limits: one open request per user, <see cref="HelpdeskOptions.MaxRequestsPerUserPerDay"/>, and
    /// <see cref="HelpdeskOptions.MaxSubmissionsPerAddressPerHour"/> per IP address.
    /// </summary>
    public async Task<SubmitResult> SubmitAsync(IdpUser user, ResetRequestForm form, HttpContext? http, CancellationToken cancellationToken = default)
    {
        var contact = form.Contact?.Trim() ?? "";
        var message = string.IsNullOrWhiteSpace(form.Message) ? null : form.Message.Trim();
        if (!Enum.IsDefined(form.Reason) || contact.Length == 0 || contact.Length > ResetRequestForm.ContactMaxLength
            || message?.Length > ResetRequestForm.MessageMaxLength)
            return new SubmitResult(SubmitOutcome.Invalid, null);

        var open = await GetOpenForUserAsync(user.Id, cancellationToken);
        if (open is not null)
            return new SubmitResult(SubmitOutcome.AlreadyOpen, open);

        var now = clock.GetUtcNow();
        var address = http?.Connection.RemoteIpAddress?.ToString();
        var dayAgo = now.AddDays(-1);
        var hourAgo = now.AddHours(-1);
        var byUser = await db.Set<ResetRequest>().CountAsync(r => r.SubjectId == user.Id && r.SubmittedAt > dayAgo, cancellationToken);
        var byAddress = address is null ? 0 : await db.AuditEvents.CountAsync(
            a => a.IpAddress == address && a.OccurredAt > hourAgo
                && (a.Type == HelpdeskAuditEvents.RequestSubmitted || a.Type == HelpdeskAuditEvents.RequestRefused), cancellationToken);
        if (byUser >= options.Value.MaxRequestsPerUserPerDay || byAddress >= options.Value.MaxSubmissionsPerAddressPerHour)
        {
            Audit(HelpdeskAuditEvents.RequestRefused, user.Id, user.Id, http, "rate limit");
            await db.SaveChangesAsync(cancellationToken);
            HelpdeskLog.SubmissionThrottled(logger, user.Id);
            return new SubmitResult(SubmitOutcome.TooMany, null);
        }

        var request = new ResetRequest
        {
            Id = Hashing.RandomToken(16),
            Reference = await NewReferenceAsync(cancellationToken),
            SubjectId = user.Id,
            OpenFor = user.Id,
            Reason = form.Reason,
            Contact = contact,
            Message = message,
            RequiresFourEyes = await IsStaffAsync(user.Id, cancellationToken),
            SubmittedAt = now,
            DueAt = calendar.DueAt(now),
            RemindAt = calendar.RemindAt(now),
        };
        db.Set<ResetRequest>().Add(request);
        Audit(HelpdeskAuditEvents.RequestSubmitted, user.Id, user.Id, http, $"{request.Reference} reason={request.Reason}");
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // A second submission at the same moment: the unique open-request index let only one through.
            db.ChangeTracker.Clear();
            var existing = await GetOpenForUserAsync(user.Id, cancellationToken);
            return existing is not null ? new SubmitResult(SubmitOutcome.AlreadyOpen, existing) : throw new InvalidOperationException("Reset request could not be stored.");
        }
        HelpdeskLog.Submitted(logger, request.Reference, user.Id, request.DueAt);
        await emails.SendSubmittedAsync(user, request, cancellationToken);
        return new SubmitResult(SubmitOutcome.Created, request);
    }

    public Task<ResetRequest?> GetOpenForUserAsync(string subjectId, CancellationToken cancellationToken = default) =>
        db.Set<ResetRequest>().AsNoTracking().FirstOrDefaultAsync(r => r.SubjectId == subjectId && r.State == ResetRequestState.Open, cancellationToken);

    /// <summary>The user's open request, else their most recent one; null when they never asked.</summary>
    public async Task<ResetRequest?> GetLatestForUserAsync(string subjectId, CancellationToken cancellationToken = default) =>
        await GetOpenForUserAsync(subjectId, cancellationToken)
        ?? await db.Set<ResetRequest>().AsNoTracking().Where(r => r.SubjectId == subjectId)
            .OrderByDescending(r => r.SubmittedAt).FirstOrDefaultAsync(cancellationToken);

    // ---- the helpdesk's side ----

    public Task<ResetRequest?> FindAsync(string id, CancellationToken cancellationToken = default) =>
        db.Set<ResetRequest>().AsNoTracking().FirstOrDefaultAsync(r => r.Id == id, cancellationToken);

    public Task<ResetRequest?> FindByReferenceAsync(string reference, CancellationToken cancellationToken = default)
    {
        var normalized = reference.Trim().ToUpperInvariant();
        return db.Set<ResetRequest>().AsNoTracking().FirstOrDefaultAsync(r => r.Reference == normalized, cancellationToken);
    }

    /// <summary>The queue: sorted by due time (earliest first), with the SLA time left.</summary>
    public async Task<IReadOnlyList<QueueItem>> QueueAsync(QueueFilter filter, string agentId, CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow();
        var query = db.Set<ResetRequest>().AsNoTracking();
        if (filter.State is { } state)
            query = query.Where(r => r.State == state);
        if (filter.AssignedToMe)
            query = query.Where(r => r.AssignedTo == agentId);
        if (filter.Breached == true)
            query = query.Where(r => r.BreachedAt != null || (r.State == ResetRequestState.Open && r.DueAt <= now) || (r.DecidedAt != null && r.DecidedAt > r.DueAt));
        else if (filter.Breached == false)
            query = query.Where(r => r.BreachedAt == null && ((r.State == ResetRequestState.Open && r.DueAt > now) || (r.DecidedAt != null && r.DecidedAt <= r.DueAt)));
        var rows = await query.OrderBy(r => r.DueAt).Take(Math.Clamp(filter.Limit, 1, 1000))
            .Join(db.Users, r => r.SubjectId, u => u.Id, (r, u) => new { Request = r, u.AccountNumber, u.GivenName, u.FamilyName, u.Email })
            .ToListAsync(cancellationToken);
        return rows.Select(row =>
        {
            var at = row.Request.DecidedAt ?? now;
            var breached = row.Request.IsBreachedAt(now);
            var left = breached ? -(at - row.Request.DueAt) : calendar.Between(at, row.Request.DueAt);
            return new QueueItem(row.Request, row.AccountNumber, $"{row.GivenName} {row.FamilyName}".Trim(), row.Email, left, breached);
        }).ToList();
    }

    /// <summary>Takes an open request that is unassigned (or already the agent's). False if someone else has it or it is decided.</summary>
    public async Task<bool> ClaimAsync(string requestId, string agentId, HttpContext? http, CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow();
        var claimed = await db.Set<ResetRequest>()
            .Where(r => r.Id == requestId && r.State == ResetRequestState.Open && (r.AssignedTo == null || r.AssignedTo == agentId))
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.AssignedTo, agentId).SetProperty(r => r.AssignedAt, now), cancellationToken) == 1;
        if (claimed)
            await AuditRequestAsync(HelpdeskAuditEvents.RequestClaimed, requestId, agentId, http, null, cancellationToken);
        return claimed;
    }

    /// <summary>Assigns an open request to <paramref name="assigneeId"/> (null: back to the queue), whoever had it.</summary>
    public async Task<bool> AssignAsync(string requestId, string? assigneeId, string actorId, string? reason, HttpContext? http, CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow();
        var assigned = await db.Set<ResetRequest>()
            .Where(r => r.Id == requestId && r.State == ResetRequestState.Open)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.AssignedTo, assigneeId).SetProperty(r => r.AssignedAt, assigneeId == null ? null : now), cancellationToken) == 1;
        if (assigned)
            await AuditRequestAsync(HelpdeskAuditEvents.RequestAssigned, requestId, actorId, http, $"to={assigneeId ?? "(queue)"} {reason}".Trim(), cancellationToken);
        return assigned;
    }

    /// <summary>
    /// Approves: revokes every second factor (TOTP secrets, push devices, passkeys, recovery codes) and trusted browser,
    /// ends every session and refresh token, and makes the user enrol at the next sign-in, all in one database transaction.
    /// A four-eyes request needs two different agents: the first call records the approval, the second carries it out.
    /// </summary>
    public Task<DecisionResult> ApproveAsync(string requestId, string agentId, string? note, HttpContext? http, CancellationToken cancellationToken = default) =>
        DecideApprovalAsync(requestId, agentId, note, ResetResolution.FactorsRevoked, http, cancellationToken);

    /// <summary>
    /// Approves by issuing a temporary access pass (valid <see cref="HelpdeskOptions.TemporaryAccessPassLifetime"/>): the
    /// user types it after the password instead of the second factor; that revokes the old factors and leads to
    /// enrolment. The code is in the result once and stored only as a hash. Four-eyes as for <see cref="ApproveAsync"/>.
    /// </summary>
    public Task<DecisionResult> IssueTemporaryAccessPassAsync(string requestId, string agentId, string? note, HttpContext? http, CancellationToken cancellationToken = default) =>
        DecideApprovalAsync(requestId, agentId, note, ResetResolution.TemporaryAccessPass, http, cancellationToken);

    /// <summary>Rejects with a reason the user sees (required).</summary>
    public async Task<DecisionResult> RejectAsync(string requestId, string agentId, string reason, HttpContext? http, CancellationToken cancellationToken = default)
    {
        reason = reason?.Trim() ?? "";
        if (reason.Length == 0 || reason.Length > 1000)
            return new DecisionResult(DecisionOutcome.ReasonRequired, null);
        var request = await FindAsync(requestId, cancellationToken);
        if (request is null)
            return new DecisionResult(DecisionOutcome.NotFound, null);
        if (request.SubjectId == agentId)
            return new DecisionResult(DecisionOutcome.OwnRequest, request);
        var now = clock.GetUtcNow();
        var done = await db.Set<ResetRequest>()
            .Where(r => r.Id == requestId && r.State == ResetRequestState.Open)
            .ExecuteUpdateAsync(s => s
                .SetProperty(r => r.State, ResetRequestState.Rejected)
                .SetProperty(r => r.OpenFor, (string?)null)
                .SetProperty(r => r.DecidedAt, now)
                .SetProperty(r => r.DecidedBy, agentId)
                .SetProperty(r => r.RejectionReason, reason), cancellationToken) == 1;
        if (!done)
            return new DecisionResult(DecisionOutcome.NotOpen, request);
        Audit(HelpdeskAuditEvents.RequestRejected, request.SubjectId, agentId, http, $"{request.Reference}: {reason}");
        await db.SaveChangesAsync(cancellationToken);
        HelpdeskLog.Decided(logger, request.Reference, "rejected", agentId);
        request = await FindAsync(requestId, cancellationToken);
        if (await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == request!.SubjectId, cancellationToken) is { } user)
            await emails.SendDecidedAsync(user, request!, cancellationToken);
        return new DecisionResult(DecisionOutcome.Done, request);
    }

    /// <summary>The SLA dashboard's numbers at this moment.</summary>
    public async Task<SlaDashboard> DashboardAsync(CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow();
        var localToday = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, calendar.TimeZone).DateTime);
        var endOfToday = new DateTimeOffset(localToday.AddDays(1).ToDateTime(TimeOnly.MinValue), calendar.TimeZone.GetUtcOffset(localToday.AddDays(1).ToDateTime(TimeOnly.MinValue))).ToUniversalTime();
        var set = db.Set<ResetRequest>().AsNoTracking();
        var open = await set.CountAsync(r => r.State == ResetRequestState.Open, cancellationToken);
        var dueToday = await set.CountAsync(r => r.State == ResetRequestState.Open && r.DueAt > now && r.DueAt <= endOfToday, cancellationToken);
        var breached = await set.CountAsync(r => r.State == ResetRequestState.Open && r.DueAt <= now, cancellationToken);
        var since = now.AddDays(-30);
        var decided = await set.Where(r => r.DecidedAt != null && r.DecidedAt > since)
            .Select(r => new { r.SubmittedAt, DecidedAt = r.DecidedAt!.Value, r.DueAt }).ToListAsync(cancellationToken);
        double? share = decided.Count == 0 ? null : decided.Count(d => d.DecidedAt <= d.DueAt) / (double)decided.Count;
        TimeSpan? median = null;
        if (decided.Count > 0)
        {
            var times = decided.Select(d => d.DecidedAt - d.SubmittedAt).Order().ToList();
            median = times.Count % 2 == 1 ? times[times.Count / 2] : (times[times.Count / 2 - 1] + times[times.Count / 2]) / 2;
        }
        return new SlaDashboard(open, dueToday, breached, decided.Count, share, median);
    }

    // ---- temporary access pass at sign-in ----

    /// <summary>
    /// Redeems a temporary access pass typed after the password: single use, expires, throttled like a factor.
    /// On success every old factor, trusted browser, session and refresh token is revoked and the user must enrol.
    /// </summary>
    public async Task<TemporaryAccessPassOutcome> RedeemTemporaryAccessPassAsync(string subjectId, string code, HttpContext? http, CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow();
        var pass = await db.Set<TemporaryAccessPass>().Where(p => p.SubjectId == subjectId && p.UsedAt == null && p.ExpiresAt > now)
            .OrderByDescending(p => p.CreatedAt).FirstOrDefaultAsync(cancellationToken);
        if (pass is null)
        {
            Audit(HelpdeskAuditEvents.PassFailed, subjectId, subjectId, http, "no valid pass");
            await db.SaveChangesAsync(cancellationToken);
            return TemporaryAccessPassOutcome.Invalid;
        }
        if (pass.NextAttemptAt is { } next && next > now)
            return TemporaryAccessPassOutcome.Wait;
        var normalized = new string((code ?? "").Where(char.IsLetterOrDigit).Select(char.ToLowerInvariant).ToArray());
        if (normalized.Length > 64 || !Hashing.FixedTimeEquals(Hashing.Sha256(normalized), pass.CodeHash))
        {
            var failures = pass.FailedAttempts + 1;
            // Failures are counted with a conditional update, so concurrent guesses each count.
            await db.Set<TemporaryAccessPass>().Where(p => p.Id == pass.Id)
                .ExecuteUpdateAsync(s => s.SetProperty(p => p.FailedAttempts, p => p.FailedAttempts + 1)
                    .SetProperty(p => p.NextAttemptAt, now + FactorThrottle.DelayAfter(failures))
                    .SetProperty(p => p.UsedAt, p => p.FailedAttempts + 1 >= FactorThrottle.LockAfter ? now : p.UsedAt), cancellationToken);
            Audit(HelpdeskAuditEvents.PassFailed, subjectId, subjectId, http, $"failure {failures}");
            await db.SaveChangesAsync(cancellationToken);
            return TemporaryAccessPassOutcome.Invalid;
        }

        sessions.ForgetEndedSessions();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        // Single use: only one redemption can mark the pass used.
        var used = await db.Set<TemporaryAccessPass>().Where(p => p.Id == pass.Id && p.UsedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(p => p.UsedAt, now), cancellationToken) == 1;
        if (!used)
            return TemporaryAccessPassOutcome.Invalid;
        await RevokeEverythingAsync(subjectId, http, cancellationToken);
        Audit(HelpdeskAuditEvents.PassUsed, subjectId, subjectId, http, pass.RequestId);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        sessions.NotifyEndedSessions();
        HelpdeskLog.PassUsed(logger, subjectId);
        return TemporaryAccessPassOutcome.Accepted;
    }

    /// <summary>Whether the user has an unused, unexpired temporary access pass (the sign-in page offers the field then).</summary>
    public Task<bool> HasTemporaryAccessPassAsync(string subjectId, CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow();
        return db.Set<TemporaryAccessPass>().AnyAsync(p => p.SubjectId == subjectId && p.UsedAt == null && p.ExpiresAt > now, cancellationToken);
    }

    // ---- internals ----

    private async Task<DecisionResult> DecideApprovalAsync(string requestId, string agentId, string? note, ResetResolution resolution, HttpContext? http, CancellationToken cancellationToken)
    {
        note = string.IsNullOrWhiteSpace(note) ? null : note.Trim();
        if (note?.Length > 1000)
            return new DecisionResult(DecisionOutcome.ReasonRequired, null);
        var request = await FindAsync(requestId, cancellationToken);
        if (request is null)
            return new DecisionResult(DecisionOutcome.NotFound, null);
        if (request.SubjectId == agentId)
            return new DecisionResult(DecisionOutcome.OwnRequest, request);
        if (!request.IsOpen)
            return new DecisionResult(DecisionOutcome.NotOpen, request);
        var now = clock.GetUtcNow();
        // Staff at submission, or made staff since: two agents either way.
        var fourEyes = request.RequiresFourEyes || await IsStaffAsync(request.SubjectId, cancellationToken);

        if (fourEyes && request.FirstApprovedBy is null)
        {
            var recorded = await db.Set<ResetRequest>()
                .Where(r => r.Id == requestId && r.State == ResetRequestState.Open && r.FirstApprovedBy == null)
                .ExecuteUpdateAsync(s => s.SetProperty(r => r.FirstApprovedBy, agentId).SetProperty(r => r.FirstApprovedAt, now)
                    .SetProperty(r => r.FirstApprovalNote, note), cancellationToken) == 1;
            if (!recorded)
                return new DecisionResult(DecisionOutcome.NotOpen, await FindAsync(requestId, cancellationToken));
            Audit(HelpdeskAuditEvents.RequestFirstApproval, request.SubjectId, agentId, http, $"{request.Reference} {resolution}: {note}".TrimEnd(' ', ':'));
            await db.SaveChangesAsync(cancellationToken);
            HelpdeskLog.Decided(logger, request.Reference, "first approval", agentId);
            return new DecisionResult(DecisionOutcome.FirstApprovalRecorded, await FindAsync(requestId, cancellationToken));
        }
        if (fourEyes && request.FirstApprovedBy == agentId)
            return new DecisionResult(DecisionOutcome.SecondAgentRequired, request);

        string? passCode = null;
        DateTimeOffset? passExpires = null;
        sessions.ForgetEndedSessions();
        await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
        {
            var decided = await db.Set<ResetRequest>()
                .Where(r => r.Id == requestId && r.State == ResetRequestState.Open && r.FirstApprovedBy == request.FirstApprovedBy)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(r => r.State, ResetRequestState.Approved)
                    .SetProperty(r => r.OpenFor, (string?)null)
                    .SetProperty(r => r.DecidedAt, now)
                    .SetProperty(r => r.DecidedBy, agentId)
                    .SetProperty(r => r.Resolution, resolution)
                    .SetProperty(r => r.DecisionNote, note), cancellationToken) == 1;
            if (!decided)
                return new DecisionResult(DecisionOutcome.NotOpen, await FindAsync(requestId, cancellationToken));

            if (resolution == ResetResolution.FactorsRevoked)
            {
                await RevokeEverythingAsync(request.SubjectId, http, cancellationToken);
                await NewSecurityStampAsync(request.SubjectId, cancellationToken);
            }
            else
            {
                // Older unused passes die; the user's sessions end now, the factors when the pass is used.
                await db.Set<TemporaryAccessPass>().Where(p => p.SubjectId == request.SubjectId && p.UsedAt == null)
                    .ExecuteUpdateAsync(s => s.SetProperty(p => p.UsedAt, now), cancellationToken);
                passCode = NewPassCode();
                passExpires = now + options.Value.TemporaryAccessPassLifetime;
                db.Set<TemporaryAccessPass>().Add(new TemporaryAccessPass
                {
                    Id = Hashing.RandomToken(16),
                    SubjectId = request.SubjectId,
                    CodeHash = Hashing.Sha256(passCode.Replace("-", "", StringComparison.Ordinal)),
                    RequestId = request.Id,
                    IssuedBy = agentId,
                    CreatedAt = now,
                    ExpiresAt = passExpires.Value,
                });
                await sessions.EndAllSessionsAsync(request.SubjectId, cancellationToken);
                await tokens.RevokeAllForSubjectAsync(request.SubjectId, cancellationToken);
                await NewSecurityStampAsync(request.SubjectId, cancellationToken);
            }
            var what = resolution == ResetResolution.FactorsRevoked ? HelpdeskAuditEvents.RequestApproved : HelpdeskAuditEvents.PassIssued;
            var by = request.FirstApprovedBy is null ? "" : $" (first approval {request.FirstApprovedBy})";
            Audit(what, request.SubjectId, agentId, http, $"{request.Reference}{by}: {note}".TrimEnd(' ', ':'));
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        // Committed: now the portals of the ended sessions may be told (back-channel logout, in the background).
        sessions.NotifyEndedSessions();
        HelpdeskLog.Decided(logger, request.Reference, resolution.ToString(), agentId);
        request = await FindAsync(requestId, cancellationToken);
        if (await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == request!.SubjectId, cancellationToken) is { } user)
            await emails.SendDecidedAsync(user, request!, cancellationToken);
        return new DecisionResult(DecisionOutcome.Done, request, passCode, passExpires);
    }

    /// <summary>Within the caller's transaction: factors, trusted browsers, sessions, refresh tokens, pending sign-ins; enrolment due.</summary>
    private async Task RevokeEverythingAsync(string subjectId, HttpContext? http, CancellationToken cancellationToken)
    {
        var removed = await factors.RemoveAllAsync(subjectId, cancellationToken);
        await trustedBrowsers.RevokeAllAsync(http, subjectId, cancellationToken);
        await sessions.EndAllSessionsAsync(subjectId, cancellationToken);
        await tokens.RevokeAllForSubjectAsync(subjectId, cancellationToken);
        await db.Users.Where(u => u.Id == subjectId)
            .ExecuteUpdateAsync(s => s.SetProperty(u => u.MustEnrol, true), cancellationToken);
        // Detached entities of this user tracked earlier in the unit of work must not overwrite MustEnrol.
        foreach (var entry in db.ChangeTracker.Entries<IdpUser>().Where(e => e.Entity.Id == subjectId))
            entry.Entity.MustEnrol = true;
        HelpdeskLog.FactorsRevoked(logger, subjectId, removed);
    }

    /// <summary>A new security stamp: a pending sign-in (password typed, factor not yet) started before is no longer accepted.</summary>
    private Task NewSecurityStampAsync(string subjectId, CancellationToken cancellationToken)
    {
        var stamp = Guid.NewGuid().ToString("N").ToUpperInvariant();
        return db.Users.Where(u => u.Id == subjectId).ExecuteUpdateAsync(s => s.SetProperty(u => u.SecurityStamp, stamp), cancellationToken);
    }

    private async Task<bool> IsStaffAsync(string subjectId, CancellationToken cancellationToken)
    {
        var normalized = StaffRoles.Select(r => r.ToUpperInvariant()).ToList();
        return await db.UserRoles.Where(ur => ur.UserId == subjectId)
            .Join(db.Roles, ur => ur.RoleId, r => r.Id, (ur, r) => r.NormalizedName)
            .AnyAsync(name => name != null && normalized.Contains(name), cancellationToken);
    }

    private async Task<string> NewReferenceAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var reference = "R-" + RandomNumberGenerator.GetString(ReferenceAlphabet, 8);
            if (!await db.Set<ResetRequest>().AnyAsync(r => r.Reference == reference, cancellationToken))
                return reference;
        }
    }

    /// <summary>Twelve characters without look-alikes (about 59 bits), shown in groups of four.</summary>
    private static string NewPassCode()
    {
        var raw = RandomNumberGenerator.GetString(PassAlphabet, 12);
        return $"{raw[..4]}-{raw[4..8]}-{raw[8..]}";
    }

    private async Task AuditRequestAsync(string type, string requestId, string actorId, HttpContext? http, string? details, CancellationToken cancellationToken)
    {
        var request = await FindAsync(requestId, cancellationToken);
        Audit(type, request?.SubjectId, actorId, http, $"{request?.Reference} {details}".Trim());
        await db.SaveChangesAsync(cancellationToken);
    }

    private void Audit(string type, string? subjectId, string actorId, HttpContext? http, string? details) =>
        db.AuditEvents.Add(new AuditEvent
        {
            OccurredAt = clock.GetUtcNow(),
            Type = type,
            SubjectId = subjectId,
            ActorId = actorId,
            IpAddress = http?.Connection.RemoteIpAddress?.ToString(),
            Details = details is { Length: > 1000 } ? details[..1000] : details,
        });
}

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
