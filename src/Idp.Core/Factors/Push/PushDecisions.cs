using Idp.Accounts;
using Idp.Configuration;
using Idp.Data;
using Idp.Data.Entities;
using Idp.Messaging;
using Idp.Resources;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;

namespace Idp.Factors.Push;

/// <summary>What the device says about a request: its signed approval or denial, and "this was not me".</summary>
public sealed class PushDecisions(
    IdpDbContext db,
    UserManager<IdpUser> users,
    IEmailSender email,
    AuditTrail audit,
    TimeProvider clock,
    IOptions<IdpOptions> idpOptions,
    IStringLocalizer<SharedResource> text,
    ILogger<PushDecisions> logger)
{
    /// <summary>
    /// The device's decision, signed with its key over <c>{requestId}.{challenge}.{decision}.{number}</c>. The request
    /// must be pending, unexpired and for the credential's account; a wrong number ends it as a failure.
    /// </summary>
    public async Task<PushProblem> DecideAsync(HttpContext? http, PushCredential credential, string requestId, string? decision, int number, string? signature, CancellationToken cancellationToken = default)
    {
        if (decision is not ("approve" or "deny") || string.IsNullOrEmpty(signature) || signature.Length > 200)
            return PushProblem.InvalidRequest;
        var now = clock.GetUtcNow();
        var request = requestId.Length > 64 ? null : await db.PushRequests.AsNoTracking().FirstOrDefaultAsync(r => r.Id == requestId, cancellationToken);
        if (request is null || request.SubjectId != credential.SubjectId)
        {
            audit.Add(PushAuditEvents.Failed, http, credential.SubjectId, details: $"push {credential.Id}: decision for a request not of this account");
            await db.SaveChangesAsync(cancellationToken);
            return PushProblem.NotFound;
        }
        if (request.State != PushRequestState.Pending || request.ExpiresAt <= now)
            return PushProblem.Expired;

        var signedNumber = decision == "deny" ? 0 : number;
        if (!PushCrypto.VerifySignature(credential.PublicKey, $"{request.Id}.{request.Challenge}.{decision}.{signedNumber}", signature))
        {
            audit.Add(PushAuditEvents.Failed, http, credential.SubjectId, request.ClientId, $"push request {request.Id}: invalid signature from {credential.Id}");
            await db.SaveChangesAsync(cancellationToken);
            PushLog.DecisionRefused(logger, credential.SubjectId, request.Id, "invalid signature");
            return PushProblem.InvalidSignature;
        }

        PushRequestState outcome;
        if (decision == "deny")
            outcome = PushRequestState.Denied;
        else if (number != request.Number)
            outcome = PushRequestState.WrongNumber;
        else
            outcome = PushRequestState.Approved;

        var decided = await db.PushRequests
            .Where(r => r.Id == request.Id && r.State == PushRequestState.Pending && r.ExpiresAt > now)
            .ExecuteUpdateAsync(s => s
                .SetProperty(r => r.State, outcome)
                .SetProperty(r => r.DecidedAt, now)
                .SetProperty(r => r.DecidedBy, credential.Id), cancellationToken);
        if (decided != 1)
            return PushProblem.Expired;
        await db.PushCredentials.Where(c => c.Id == credential.Id)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.LastUsedAt, now), cancellationToken);

        var type = outcome switch
        {
            PushRequestState.Approved => PushAuditEvents.Approved,
            PushRequestState.Denied => PushAuditEvents.Denied,
            _ => PushAuditEvents.WrongNumber,
        };
        audit.Add(type, http, credential.SubjectId, request.ClientId, $"push request {request.Id}{(request.IsTest ? " (test)" : "")} by {credential.Id}");
        await db.SaveChangesAsync(cancellationToken);
        PushLog.Decided(logger, credential.SubjectId, request.Id, outcome);
        return outcome == PushRequestState.WrongNumber ? PushProblem.WrongNumber : PushProblem.None;
    }

    /// <summary>"This was not me" after a denial: recorded once, and the user is told by e-mail.</summary>
    public async Task<PushProblem> ReportAsync(HttpContext? http, PushCredential credential, string requestId, CancellationToken cancellationToken = default)
    {
        var request = requestId.Length > 64 ? null : await db.PushRequests.AsNoTracking().FirstOrDefaultAsync(r => r.Id == requestId, cancellationToken);
        if (request is null || request.SubjectId != credential.SubjectId)
            return PushProblem.NotFound;
        if (request.State is not (PushRequestState.Denied or PushRequestState.WrongNumber))
            return PushProblem.InvalidRequest;
        var now = clock.GetUtcNow();
        // The report and the warning e-mail (outbox) commit together.
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (await db.PushRequests.Where(r => r.Id == request.Id && r.ReportedAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(r => r.ReportedAt, now), cancellationToken) != 1)
            return PushProblem.None;
        audit.Add(PushAuditEvents.Reported, http, credential.SubjectId, request.ClientId, $"push request {request.Id} from {request.IpAddress}");
        await db.SaveChangesAsync(cancellationToken);
        PushLog.Reported(logger, credential.SubjectId, request.Id);
        var user = await users.FindByIdAsync(credential.SubjectId);
        if (!string.IsNullOrEmpty(user?.Email))
        {
            var when = request.CreatedAt.ToOffset(TimeSpan.Zero).ToString("yyyy-MM-dd HH:mm 'UTC'", System.Globalization.CultureInfo.InvariantCulture);
            var body = text["Push_Mail_NotMe_Body", user.FullName, user.AccountNumber, request.PortalName, when, request.IpAddress ?? "–", PushApprovals.BrowserName(request.UserAgent) ?? "–", idpOptions.Value.Issuer.TrimEnd('/') + "/forgot-password"].Value;
            await email.SendAsync(new EmailMessage(user.Email, text["Push_Mail_NotMe_Subject"].Value, body), cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        return PushProblem.None;
    }
}
