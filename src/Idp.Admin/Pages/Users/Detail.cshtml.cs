using Idp.Accounts;
using Idp.Admin.Authentication;
using Idp.Admin.Infrastructure;
using Idp.Admin.Resources;
using Idp.Data;
using Idp.Data.Entities;
using Idp.Factors;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace Idp.Admin.Pages.Users;

/// <summary>
/// One account: details, factors (never secrets), recent sign-ins and sessions; lock, unlock, revoke a factor, end
/// sessions, require enrolment. Every action asks for a reason, which goes into the audit log. Staff accounts can
/// be changed by administrators only.
/// </summary>
public sealed class DetailModel(
    IdpDbContext db,
    UserManager<IdpUser> users,
    FactorRegistry factors,
    StaffActions actions,
    TimeProvider clock,
    IStringLocalizer<AdminResource> T) : PageModel
{
    public static readonly string[] SignInEventTypes =
        [AuditEventTypes.SignInSucceeded, AuditEventTypes.SignInFailed, AuditEventTypes.AccountLocked, AuditEventTypes.StepUp,
         AuditEventTypes.FactorVerified, AuditEventTypes.FactorFailed, AuditEventTypes.SignedOut];

    public IdpUser Account { get; private set; } = null!;
    public IList<string> Roles { get; private set; } = [];
    public IReadOnlyList<FactorInfo> Factors { get; private set; } = [];
    public IReadOnlyList<AuditEvent> History { get; private set; } = [];
    public int ActiveSessions { get; private set; }
    public DateTimeOffset Now { get; private set; }
    public bool IsLocked => Account.LockoutEnd > Now;
    public bool MayChange => Roles.Count == 0 || User.IsAdmin();

    [BindProperty]
    public string? Reason { get; set; }

    public async Task<IActionResult> OnGetAsync(string id) => await LoadAsync(id) ? Page() : NotFound();

    public Task<IActionResult> OnPostLockAsync(string id) => ActAsync(id, "lock", (actor, reason) => actions.LockAsync(actor, id, reason), T["The account is locked and its sessions are ended."]);

    public Task<IActionResult> OnPostUnlockAsync(string id) => ActAsync(id, "unlock", (actor, reason) => actions.UnlockAsync(actor, id, reason), T["The account is unlocked."]);

    public Task<IActionResult> OnPostEndSessionsAsync(string id) => ActAsync(id, "sessions", (actor, reason) => actions.EndSessionsAsync(actor, id, reason), T["All sessions and refresh tokens of the account are ended."]);

    public Task<IActionResult> OnPostRequireEnrolmentAsync(string id) => ActAsync(id, "enrol", (actor, reason) => actions.RequireEnrolmentAsync(actor, id, reason), T["The user enrols a second factor at the next sign-in."]);

    public Task<IActionResult> OnPostRevokeFactorAsync(string id, FactorKind kind, string factorId) =>
        ActAsync(id, "factor-" + factorId, (actor, reason) => actions.RevokeFactorAsync(actor, id, kind, factorId, reason), T["The factor is revoked."]);

    /// <summary>Which form the reason error belongs to.</summary>
    public string? FailedForm { get; private set; }

    private async Task<IActionResult> ActAsync(string id, string form, Func<string, string, Task<bool>> action, string done)
    {
        if (!await LoadAsync(id))
            return NotFound();
        if (!MayChange)
            return Forbid();
        if (string.IsNullOrWhiteSpace(Reason))
        {
            FailedForm = form;
            ModelState.AddModelError(nameof(Reason), T["Give a reason: it goes into the audit log."]);
            return Page();
        }
        if (!await action(User.Subject(), Reason.Trim()))
            return NotFound();
        TempData["Notice"] = done;
        return RedirectToPage(new { id });
    }

    private async Task<bool> LoadAsync(string id)
    {
        Now = clock.GetUtcNow();
        var account = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == id, HttpContext.RequestAborted);
        if (account is null)
            return false;
        Account = account;
        Roles = await users.GetRolesAsync(account);
        Factors = await factors.ListAsync(id, HttpContext.RequestAborted);
        History = await db.AuditEvents.AsNoTracking()
            .Where(e => e.SubjectId == id && SignInEventTypes.Contains(e.Type))
            .OrderByDescending(e => e.Id).Take(20)
            .ToListAsync(HttpContext.RequestAborted);
        ActiveSessions = await db.UserSessions.CountAsync(s => s.SubjectId == id && s.EndedAt == null && s.ExpiresAt > Now, HttpContext.RequestAborted);
        return true;
    }
}
