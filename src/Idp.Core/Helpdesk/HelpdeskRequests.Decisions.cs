using System.Security.Cryptography;
using Idp.Accounts;
using Idp.Data.Entities;
using Idp.Security;
using Microsoft.EntityFrameworkCore;

namespace Idp.Helpdesk;

/// <summary>The helpdesk's decisions: approval (factors revoked), temporary access pass, rejection; four-eyes for staff.</summary>
public sealed partial class HelpdeskRequests
{
    private const string PassAlphabet = "23456789abcdefghjkmnpqrstuvwxyz";

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
        // The decision and the user's e-mail (outbox) commit together.
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
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
        request = await FindAsync(requestId, cancellationToken);
        await SendDecidedAsync(request!, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        HelpdeskLog.Decided(logger, request!.Reference, "rejected", agentId);
        return new DecisionResult(DecisionOutcome.Done, request);
    }

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
        revocation.ForgetUncommitted();
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
                await RevokeFactorsAsync(request.SubjectId, cancellationToken);
                await revocation.RevokeAsync(request.SubjectId, RevocationReason.HelpdeskApproval, null, http, cancellationToken);
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
                await revocation.RevokeAsync(request.SubjectId, RevocationReason.TemporaryAccessPass, null, http, cancellationToken);
            }
            var what = resolution == ResetResolution.FactorsRevoked ? HelpdeskAuditEvents.RequestApproved : HelpdeskAuditEvents.PassIssued;
            var by = request.FirstApprovedBy is null ? "" : $" (first approval {request.FirstApprovedBy})";
            Audit(what, request.SubjectId, agentId, http, $"{request.Reference}{by}: {note}".TrimEnd(' ', ':'));
            await db.SaveChangesAsync(cancellationToken);
            await SendDecidedAsync((await FindAsync(requestId, cancellationToken))!, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        // Committed: now the portals of the ended sessions may be told (back-channel logout, in the background).
        revocation.NotifyCommitted();
        HelpdeskLog.Decided(logger, request.Reference, resolution.ToString(), agentId);
        request = await FindAsync(requestId, cancellationToken);
        return new DecisionResult(DecisionOutcome.Done, request, passCode, passExpires);
    }

    /// <summary>Writes the decision e-mail to the outbox, inside the caller's transaction.</summary>
    private async Task SendDecidedAsync(ResetRequest decided, CancellationToken cancellationToken)
    {
        if (await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == decided.SubjectId, cancellationToken) is { } user)
            await emails.SendDecidedAsync(user, decided, cancellationToken);
    }

    /// <summary>
    /// Within the caller's transaction: every second factor goes and enrolment is due. Sessions, browsers and tokens
    /// are the caller's <see cref="AccountRevocation"/> call.
    /// </summary>
    private async Task RevokeFactorsAsync(string subjectId, CancellationToken cancellationToken)
    {
        var removed = await factors.RemoveAllAsync(subjectId, cancellationToken);
        await db.Users.Where(u => u.Id == subjectId)
            .ExecuteUpdateAsync(s => s.SetProperty(u => u.MustEnrol, true), cancellationToken);
        // Detached entities of this user tracked earlier in the unit of work must not overwrite MustEnrol.
        foreach (var entry in db.ChangeTracker.Entries<IdpUser>().Where(e => e.Entity.Id == subjectId))
            entry.Entity.MustEnrol = true;
        HelpdeskLog.FactorsRevoked(logger, subjectId, removed);
    }

    /// <summary>Twelve characters without look-alikes (about 59 bits), shown in groups of four.</summary>
    private static string NewPassCode()
    {
        var raw = RandomNumberGenerator.GetString(PassAlphabet, 12);
        return $"{raw[..4]}-{raw[4..8]}-{raw[8..]}";
    }
}
