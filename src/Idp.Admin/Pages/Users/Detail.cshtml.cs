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
/// be changed by administrators only. Administrators grant and withdraw staff roles here (not their own); admin and
/// supervisor need a second administrator's approval (see <see cref="RoleChanges"/>).
/// </summary>
public sealed class DetailModel(
    IdpDbContext db,
    UserManager<IdpUser> users,
    FactorRegistry factors,
    StaffActions actions,
    RoleChanges roleChanges,
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
    public IReadOnlyList<PendingRoleChange> PendingRoles { get; private set; } = [];
    public Dictionary<string, string> StaffNames { get; private set; } = [];
    public bool IsOwnAccount => Account.Id == User.Subject();
    public bool MayEditRoles => User.IsAdmin() && !IsOwnAccount;

    [BindProperty]
    public string? Reason { get; set; }

    public async Task<IActionResult> OnGetAsync(string id) => await LoadAsync(id) ? Page() : NotFound();

    public Task<IActionResult> OnPostLockAsync(string id) => ActAsync(id, "lock", (actor, reason) => actions.LockAsync(actor, id, reason), T["The account is locked and its sessions are ended."]);

    public Task<IActionResult> OnPostUnlockAsync(string id) => ActAsync(id, "unlock", (actor, reason) => actions.UnlockAsync(actor, id, reason), T["The account is unlocked."]);

    public Task<IActionResult> OnPostEndSessionsAsync(string id) => ActAsync(id, "sessions", (actor, reason) => actions.EndSessionsAsync(actor, id, reason), T["All sessions and refresh tokens of the account are ended."]);

    public Task<IActionResult> OnPostRequireEnrolmentAsync(string id) => ActAsync(id, "enrol", (actor, reason) => actions.RequireEnrolmentAsync(actor, id, reason), T["The user enrols a second factor at the next sign-in."]);

    public Task<IActionResult> OnPostRevokeFactorAsync(string id, FactorKind kind, string factorId) =>
        ActAsync(id, "factor-" + factorId, (actor, reason) => actions.RevokeFactorAsync(actor, id, kind, factorId, reason), T["The factor is revoked."]);

    public Task<IActionResult> OnPostGrantRoleAsync(string id, string role) =>
        ChangeRoleAsync(id, role, "role-" + role, reason => roleChanges.RequestAsync(User.Subject(), id, role, grant: true, reason, HttpContext.RequestAborted), grant: true);

    public Task<IActionResult> OnPostWithdrawRoleAsync(string id, string role) =>
        ChangeRoleAsync(id, role, "role-" + role, reason => roleChanges.RequestAsync(User.Subject(), id, role, grant: false, reason, HttpContext.RequestAborted), grant: false);

    public Task<IActionResult> OnPostApproveRoleAsync(string id, string role) =>
        ChangeRoleAsync(id, role, "approve-" + role, reason => roleChanges.DecideAsync(User.Subject(), id, role, approve: true, reason, HttpContext.RequestAborted), grant: null);

    public Task<IActionResult> OnPostRejectRoleAsync(string id, string role) =>
        ChangeRoleAsync(id, role, "reject-" + role, reason => roleChanges.DecideAsync(User.Subject(), id, role, approve: false, reason, HttpContext.RequestAborted), grant: null);

    private async Task<IActionResult> ChangeRoleAsync(string id, string role, string form, Func<string, Task<RoleChangeOutcome>> change, bool? grant)
    {
        if (!User.IsAdmin())
            return Forbid();
        if (!await LoadAsync(id))
            return NotFound();
        if (!IsOwnAccount && string.IsNullOrWhiteSpace(Reason))
        {
            FailedForm = form;
            ModelState.AddModelError(nameof(Reason), T["Give a reason: it goes into the audit log."]);
            return Page();
        }
        var pending = PendingRoles.FirstOrDefault(p => p.Role == role);
        var outcome = await change(Reason?.Trim() ?? "");
        if (outcome == RoleChangeOutcome.NotFound)
            return NotFound();
        TempData["Notice"] = RoleMessage(outcome, role, grant ?? pending?.Grant ?? true);
        return RedirectToPage(new { id });
    }

    private string RoleMessage(RoleChangeOutcome outcome, string role, bool grant) => outcome switch
    {
        RoleChangeOutcome.Done => grant ? T["The role {0} is granted.", role] : T["The role {0} is withdrawn.", role],
        RoleChangeOutcome.AwaitingSecondAdmin => T["The change of the role {0} is recorded. A second administrator (not you, not the account itself) must approve it (four-eyes).", role],
        RoleChangeOutcome.Rejected => T["The change of the role {0} is rejected; nothing changed.", role],
        RoleChangeOutcome.SecondAdminRequired => T["You already approved this change of the role {0}; another administrator must approve it.", role],
        RoleChangeOutcome.OwnRoles => T["Nobody changes their own roles: ask another administrator."],
        RoleChangeOutcome.LastAdmin => T["This is the last administrator: the role admin cannot be withdrawn."],
        RoleChangeOutcome.ActorNotAdmin => T["Only administrators change roles."],
        RoleChangeOutcome.AlreadyPending => T["A change of the role {0} is already waiting for a second administrator.", role],
        RoleChangeOutcome.NothingPending => T["No change of the role {0} is waiting (decided in the meantime?).", role],
        RoleChangeOutcome.NoChange => T["Nothing to change: the account has (or lacks) the role {0} already.", role],
        _ => T["Unknown role."],
    };

    public string NameOf(string userId) => StaffNames.TryGetValue(userId, out var name) ? name : userId;

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
        PendingRoles = await roleChanges.ListPendingAsync(id, HttpContext.RequestAborted);
        var requesters = PendingRoles.Select(p => p.RequestedBy).Distinct().ToList();
        StaffNames = await db.Users.AsNoTracking().Where(u => requesters.Contains(u.Id))
            .ToDictionaryAsync(u => u.Id, u => $"{u.GivenName} {u.FamilyName} ({u.AccountNumber})", HttpContext.RequestAborted);
        ActiveSessions = await db.UserSessions.CountAsync(s => s.SubjectId == id && s.EndedAt == null && s.ExpiresAt > Now, HttpContext.RequestAborted);
        return true;
    }
}
