using Idp.Data;
using Idp.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace Idp.Helpdesk;

/// <summary>
/// The SLA's three events for open requests: the helpdesk reminder (at <see cref="ResetRequest.RemindAt"/>), the
/// escalation to supervisors and the breach mark (at <see cref="ResetRequest.DueAt"/>). Each is claimed per request by
/// a conditional update (<c>… WHERE ReminderSentAt IS NULL</c>) in the same transaction that writes the e-mail to the
/// outbox, so a restart or a second node never sends one twice, and a run after downtime catches up what is due.
/// </summary>
public sealed class SlaMonitor(IdpDbContext db, HelpdeskEmails emails, TimeProvider clock, ILogger<SlaMonitor> logger)
{
    public sealed record Result(int Reminders, int Escalations);

    public async Task<Result> RunAsync(CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow();
        var requests = db.Set<ResetRequest>();
        var reminders = 0;
        var escalations = 0;

        var remindIds = await requests.AsNoTracking()
            .Where(r => r.State == ResetRequestState.Open && r.ReminderSentAt == null && r.RemindAt <= now)
            .OrderBy(r => r.RemindAt).Select(r => r.Id).Take(500).ToListAsync(cancellationToken);
        foreach (var id in remindIds)
        {
            if (await ClaimAndSendAsync(id, now, escalate: false, cancellationToken))
                reminders++;
        }

        var escalateIds = await requests.AsNoTracking()
            .Where(r => r.State == ResetRequestState.Open && r.EscalatedAt == null && r.DueAt <= now)
            .OrderBy(r => r.DueAt).Select(r => r.Id).Take(500).ToListAsync(cancellationToken);
        foreach (var id in escalateIds)
        {
            if (await ClaimAndSendAsync(id, now, escalate: true, cancellationToken))
                escalations++;
        }
        if (reminders + escalations > 0)
            SlaLog.Ran(logger, reminders, escalations);
        return new Result(reminders, escalations);
    }

    private async Task<bool> ClaimAndSendAsync(string id, DateTimeOffset now, bool escalate, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var set = db.Set<ResetRequest>().Where(r => r.Id == id && r.State == ResetRequestState.Open);
        var claimed = escalate
            ? await set.Where(r => r.EscalatedAt == null).ExecuteUpdateAsync(s => s
                .SetProperty(r => r.EscalatedAt, now)
                .SetProperty(r => r.BreachedAt, r => r.BreachedAt ?? now), cancellationToken)
            : await set.Where(r => r.ReminderSentAt == null).ExecuteUpdateAsync(s => s.SetProperty(r => r.ReminderSentAt, now), cancellationToken);
        if (claimed != 1)
            return false; // decided meanwhile, or claimed by another node
        var request = await db.Set<ResetRequest>().AsNoTracking().FirstAsync(r => r.Id == id, cancellationToken);
        if (escalate)
        {
            await emails.SendEscalationAsync(request, cancellationToken);
            Audit(HelpdeskAuditEvents.Breached, request, now);
            Audit(HelpdeskAuditEvents.Escalated, request, now);
        }
        else
        {
            await emails.SendReminderAsync(request, cancellationToken);
            Audit(HelpdeskAuditEvents.ReminderSent, request, now);
        }
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    private void Audit(string type, ResetRequest request, DateTimeOffset now) =>
        db.AuditEvents.Add(new AuditEvent { OccurredAt = now, Type = type, SubjectId = request.SubjectId, ActorId = "system", Details = request.Reference });
}

internal static partial class SlaLog
{
    [LoggerMessage(EventId = 6010, Level = LogLevel.Information, Message = "Helpdesk SLA: {Reminders} reminders, {Escalations} escalations")]
    public static partial void Ran(ILogger logger, int reminders, int escalations);
}
