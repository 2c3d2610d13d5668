using Idp.Accounts;
using Idp.Admin.Authentication;
using Idp.Admin.Infrastructure;
using Idp.Admin.Resources;
using Idp.Data;
using Idp.Data.Entities;
using Idp.Messaging;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace Idp.Admin.Pages.Outbox;

/// <summary>
/// The outbox: how many messages wait per kind, the messages given up (never their content; recipients masked), and
/// "retry", which re-queues a failed message for Idp's dispatcher (audited).
/// </summary>
[Authorize(Policy = StaffPolicies.Admin)]
public sealed class IndexModel(IdpDbContext db, AuditTrail audit, TimeProvider clock, IConfiguration configuration, IStringLocalizer<AdminResource> T) : PageModel
{
    /// <summary>A re-queued message gets the outbox's usual time before it is given up (<c>Idp:Email:GiveUpAfter</c>, shared with Idp).</summary>
    private TimeSpan GiveUpAfter => configuration.GetValue<TimeSpan?>(EmailOptions.Section + ":" + nameof(EmailOptions.GiveUpAfter)) ?? new EmailOptions().GiveUpAfter;

    public IReadOnlyDictionary<OutboxChannel, long> Backlog { get; private set; } = new Dictionary<OutboxChannel, long>();
    public IReadOnlyList<FailedOutboxMessage> Failed { get; private set; } = [];

    public static IReadOnlyList<OutboxChannel> Kinds { get; } = Enum.GetValues<OutboxChannel>();

    public async Task OnGetAsync()
    {
        Backlog = await OutboxAdministration.BacklogAsync(db, HttpContext.RequestAborted);
        Failed = await OutboxAdministration.FailedAsync(db, HttpContext.RequestAborted);
    }

    public async Task<IActionResult> OnPostRetryAsync(long id)
    {
        var message = await OutboxAdministration.RequeueAsync(db, id, clock.GetUtcNow(), GiveUpAfter, HttpContext.RequestAborted);
        if (message is null)
        {
            TempData["Notice"] = T["That message is not failed (any more): nothing to retry."].Value;
            return RedirectToPage();
        }
        audit.AddAction(AdminAuditTypes.OutboxMessageRequeued, HttpContext, User.Subject(), details: $"{message.Channel} message {message.Id}");
        await db.SaveChangesAsync(HttpContext.RequestAborted);
        TempData["Notice"] = T["Message {0} is queued again; an Idp node sends it at its next round.", message.Id].Value;
        return RedirectToPage();
    }
}
