using Idp.Admin.Authentication;
using Idp.Admin.Resources;
using Idp.Helpdesk;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace Idp.Admin.Pages.Queue;

/// <summary>The reset requests by due time, with the SLA time left; filters: state, breached, assigned to me; claim.</summary>
public sealed class IndexModel(HelpdeskRequests requests, IStringLocalizer<AdminResource> T) : PageModel
{
    [BindProperty(SupportsGet = true)] public string State { get; set; } = "open";
    [BindProperty(SupportsGet = true)] public string Breached { get; set; } = "any";
    [BindProperty(SupportsGet = true)] public bool Mine { get; set; }

    public IReadOnlyList<QueueItem> Items { get; private set; } = [];

    public async Task OnGetAsync()
    {
        ResetRequestState? state = State switch
        {
            "approved" => ResetRequestState.Approved,
            "rejected" => ResetRequestState.Rejected,
            "all" => null,
            _ => ResetRequestState.Open,
        };
        bool? breached = Breached switch { "yes" => true, "no" => false, _ => null };
        Items = await requests.QueueAsync(new QueueFilter(state, breached, Mine), User.Subject(), HttpContext.RequestAborted);
    }

    public async Task<IActionResult> OnPostClaimAsync(string requestId)
    {
        var claimed = await requests.ClaimAsync(requestId, User.Subject(), HttpContext, HttpContext.RequestAborted);
        TempData["Notice"] = claimed ? T["The request is yours."].Value : T["Someone else has this request, or it is decided."].Value;
        return Redirect($"/requests/{Uri.EscapeDataString(requestId)}");
    }
}
