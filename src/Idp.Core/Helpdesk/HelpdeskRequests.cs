using System.Security.Cryptography;
using Idp.Accounts;
using Idp.Data;
using Idp.Factors;
using Idp.Data.Entities;
using Idp.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Idp.Helpdesk;

/// <summary>
/// The helpdesk reset of a lost second factor (journey 9): the user's request, the queue, claim/assign, approval
/// (in one transaction) or rejection, four-eyes for staff accounts, temporary access passes and the SLA numbers.
/// Agents are identified by their user id; which role may call what is decided by the admin application.
/// Every agent action is an audit event with who (actor), when, what (type) and why (details).
/// This part files requests and reads them (status, queue, dashboard); the decisions are in
/// <c>HelpdeskRequests.Decisions.cs</c>, the temporary access pass at sign-in in <c>HelpdeskRequests.AccessPass.cs</c>.
/// </summary>
public sealed partial class HelpdeskRequests(
    IdpDbContext db,
    SlaCalendar calendar,
    FactorRegistry factors,
    AccountRevocation revocation,
    HelpdeskEmails emails,
    TimeProvider clock,
    IOptions<HelpdeskOptions> options,
    ILogger<HelpdeskRequests> logger)
{
    /// <summary>Roles whose accounts need two agents to approve a reset.</summary>
    public static readonly string[] StaffRoles = ["helpdesk", "supervisor", "admin"];

    private const string ReferenceAlphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";

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
        // The request and its confirmation e-mail (outbox) commit together.
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
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
        await emails.SendSubmittedAsync(user, request, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        HelpdeskLog.Submitted(logger, request.Reference, user.Id, request.DueAt);
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

    // ---- internals shared by the parts ----

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
