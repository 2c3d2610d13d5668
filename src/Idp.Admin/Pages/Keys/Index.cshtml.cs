using Idp.Accounts;
using Idp.Admin.Authentication;
using Idp.Admin.Infrastructure;
using Idp.Admin.Resources;
using Idp.Configuration;
using Idp.Data;
using Idp.Helpdesk;
using Idp.Protocol.Keys;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;

namespace Idp.Admin.Pages.Keys;

/// <summary>
/// Signing keys (never their material) and "rotate now": a successor is published at once (every Idp node lists it within
/// <c>Idp:SigningKeys:RefreshInterval</c>) and signs after the propagation time.
/// </summary>
[Authorize(Policy = StaffPolicies.Admin)]
public sealed class IndexModel(
    SigningKeyManager keys,
    IdpDbContext db,
    AuditTrail audit,
    SlaCalendar calendar,
    IOptions<IdpOptions> options,
    IStringLocalizer<AdminResource> T) : PageModel
{
    public TimeSpan RefreshInterval => options.Value.SigningKeys.RefreshInterval;
    public TimeSpan PropagationTime => options.Value.SigningKeys.PropagationTime;

    public IReadOnlyList<SigningKeyInfo> Keys { get; private set; } = [];

    [BindProperty] public string Algorithm { get; set; } = "RS256";
    [BindProperty] public string? Reason { get; set; }

    public async Task OnGetAsync() => Keys = await keys.GetKeysAsync(HttpContext.RequestAborted);

    public async Task<IActionResult> OnPostRotateAsync()
    {
        if (!SigningAlgorithms.IsSupported(Algorithm))
            ModelState.AddModelError(nameof(Algorithm), T["RS256 or ES256."]);
        if (string.IsNullOrWhiteSpace(Reason))
            ModelState.AddModelError(nameof(Reason), T["Give a reason: it goes into the audit log."]);
        if (!ModelState.IsValid)
        {
            await OnGetAsync();
            return Page();
        }
        var created = await keys.RotateNowAsync(Algorithm, HttpContext.RequestAborted);
        audit.AddAction(AdminAuditTypes.SigningKeyRotated, HttpContext, User.Subject(), details: $"{created.Algorithm} {created.KeyId}: {Reason!.Trim()}");
        await db.SaveChangesAsync(HttpContext.RequestAborted);
        TempData["Notice"] = T["A new {0} key {1} is made: it is in the JWKS of every Idp node by {2} and signs from {3}.",
            created.Algorithm, created.KeyId, calendar.Local(created.PublishedEverywhereAt), calendar.Local(created.ActivatesAt)].Value;
        return RedirectToPage();
    }
}
