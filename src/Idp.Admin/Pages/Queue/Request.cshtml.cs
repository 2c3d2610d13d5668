using Idp.Accounts;
using Idp.Admin.Authentication;
using Idp.Admin.Resources;
using Idp.Data;
using Idp.Data.Entities;
using Idp.Factors;
using Idp.Helpdesk;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace Idp.Admin.Pages.Queue;

/// <summary>
/// One reset request: the user's account, recent sign-ins and factors (never secrets), the identity checklist, and
/// the decision: approve (note), temporary access pass (shown once), reject (reason the user sees); claim and assign.
/// A staff account's request needs two agents; the second approval is a supervisor's.
/// </summary>
public sealed class RequestModel(
    HelpdeskRequests requests,
    IdpDbContext db,
    FactorRegistry factors,
    TimeProvider clock,
    IStringLocalizer<AdminResource> T) : PageModel
{
    /// <summary>What the agent checks before approving; every box must be ticked.</summary>
    public static readonly string[] Checklist =
    [
        "I called the user back on a number from our records, not one given in the request.",
        "The user confirmed their account number, full name and date of birth.",
        "The user confirmed the last sign-in and the portal they use.",
        "The reason and the contact in the request fit what the user told me.",
    ];

    public ResetRequest Reset { get; private set; } = null!;
    public IdpUser Account { get; private set; } = null!;
    public IReadOnlyList<FactorInfo> Factors { get; private set; } = [];
    public IReadOnlyList<AuditEvent> History { get; private set; } = [];
    public IReadOnlyList<IdpUser> Staff { get; private set; } = [];
    public Dictionary<string, string> StaffNames { get; private set; } = [];
    public DateTimeOffset Now { get; private set; }

    /// <summary>The code of a temporary access pass just issued: in this response only.</summary>
    public string? TemporaryAccessPass { get; private set; }
    public DateTimeOffset? TemporaryAccessPassExpiresAt { get; private set; }

    [BindProperty] public string? Note { get; set; }
    [BindProperty] public string? RejectionReason { get; set; }
    [BindProperty] public List<int> Checked { get; set; } = [];
    [BindProperty] public string? AssignTo { get; set; }
    [BindProperty] public string? AssignReason { get; set; }

    public bool IsSecondApproval => Reset.RequiresFourEyes && Reset.FirstApprovedBy is not null;
    public bool MayDecide => Reset.IsOpen && Reset.SubjectId != User.Subject()
        && (!IsSecondApproval || (User.IsSupervisor() && !ApprovedFirst));

    /// <summary>The signed-in agent gave the first approval of this four-eyes request.</summary>
    public bool ApprovedFirst => IsSecondApproval && Reset.FirstApprovedBy == User.Subject();

    /// <summary>Why the agent may not decide, when that is the four-eyes rule (said on the page, not as a 403).</summary>
    private string? FourEyesRefusal
    {
        get
        {
            if (!Reset.IsOpen || !IsSecondApproval)
                return null;
            if (ApprovedFirst)
                return T["You already approved; another supervisor must approve."];
            if (!User.IsSupervisor())
                return T["The second approval of a staff account's request is a supervisor's: someone with the supervisor or admin role other than the first agent."];
            return null;
        }
    }

    public async Task<IActionResult> OnGetAsync(string id) => await LoadAsync(id) ? Page() : NotFound();

    public async Task<IActionResult> OnPostClaimAsync(string id)
    {
        var claimed = await requests.ClaimAsync(id, User.Subject(), HttpContext, HttpContext.RequestAborted);
        return Done(id, claimed ? T["The request is yours."] : T["Someone else has this request, or it is decided."]);
    }

    public async Task<IActionResult> OnPostAssignAsync(string id)
    {
        if (!User.IsSupervisor())
            return Forbid();
        if (!await LoadAsync(id))
            return NotFound();
        string? assignee = string.IsNullOrEmpty(AssignTo) ? null : AssignTo;
        if (assignee is not null && Staff.All(s => s.Id != assignee))
            ModelState.AddModelError(nameof(AssignTo), T["Choose a staff member."]);
        if (string.IsNullOrWhiteSpace(AssignReason))
            ModelState.AddModelError(nameof(AssignReason), T["Give a reason: it goes into the audit log."]);
        if (!ModelState.IsValid)
            return Page();
        var assigned = await requests.AssignAsync(id, assignee, User.Subject(), AssignReason!.Trim(), HttpContext, HttpContext.RequestAborted);
        return Done(id, assigned ? T["The request is assigned."] : T["The request is decided already."]);
    }

    public Task<IActionResult> OnPostApproveAsync(string id) =>
        DecideAsync(id, () => requests.ApproveAsync(id, User.Subject(), Note!.Trim(), HttpContext, HttpContext.RequestAborted));

    public Task<IActionResult> OnPostPassAsync(string id) =>
        DecideAsync(id, () => requests.IssueTemporaryAccessPassAsync(id, User.Subject(), Note!.Trim(), HttpContext, HttpContext.RequestAborted));

    public async Task<IActionResult> OnPostRejectAsync(string id)
    {
        if (!await LoadAsync(id))
            return NotFound();
        if (FourEyesRefusal is { } refusal)
            return Done(id, refusal);
        if (!MayDecide)
            return Forbid();
        if (string.IsNullOrWhiteSpace(RejectionReason))
        {
            ModelState.AddModelError(nameof(RejectionReason), T["Give the reason for the rejection: the user sees it."]);
            return Page();
        }
        var result = await requests.RejectAsync(id, User.Subject(), RejectionReason, HttpContext, HttpContext.RequestAborted);
        return Outcome(id, result);
    }

    private async Task<IActionResult> DecideAsync(string id, Func<Task<DecisionResult>> decide)
    {
        if (!await LoadAsync(id))
            return NotFound();
        if (FourEyesRefusal is { } refusal)
            return Done(id, refusal);
        if (!MayDecide)
            return Forbid();
        if (Checked.Distinct().Count(i => i >= 0 && i < Checklist.Length) != Checklist.Length)
            ModelState.AddModelError(nameof(Checked), T["Verify the user's identity: tick every item of the checklist."]);
        if (string.IsNullOrWhiteSpace(Note))
            ModelState.AddModelError(nameof(Note), T["Write a note: how you verified the identity (internal, not shown to the user)."]);
        if (!ModelState.IsValid)
            return Page();
        var result = await decide();
        if (result is { Outcome: DecisionOutcome.Done, TemporaryAccessPass: { } code })
        {
            await LoadAsync(id);
            TemporaryAccessPass = code;
            TemporaryAccessPassExpiresAt = result.TemporaryAccessPassExpiresAt;
            return Page();
        }
        return Outcome(id, result);
    }

    private IActionResult Outcome(string id, DecisionResult result) => result.Outcome switch
    {
        DecisionOutcome.NotFound => NotFound(),
        _ => Done(id, result.Outcome switch
        {
            DecisionOutcome.Done when result.Request?.State == ResetRequestState.Rejected => T["The request is rejected; the user is told the reason."],
            DecisionOutcome.Done => T["The request is approved: the user's factors and sessions are revoked, and the next sign-in starts enrolment."],
            DecisionOutcome.FirstApprovalRecorded => T["Your approval is recorded. This is a staff account: a supervisor must approve as well (four-eyes): someone with the supervisor or admin role other than you."],
            DecisionOutcome.SecondAgentRequired => T["You already approved; another supervisor must approve."],
            DecisionOutcome.OwnRequest => T["Nobody decides their own request."],
            DecisionOutcome.NotOpen => T["The request was decided in the meantime."],
            _ => T["A note or reason is required."],
        }),
    };

    private RedirectResult Done(string id, string notice)
    {
        TempData["Notice"] = notice;
        return Redirect($"/requests/{Uri.EscapeDataString(id)}");
    }

    private async Task<bool> LoadAsync(string id)
    {
        var cancellationToken = HttpContext.RequestAborted;
        Now = clock.GetUtcNow();
        var request = await requests.FindAsync(id, cancellationToken);
        if (request is null)
            return false;
        var account = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == request.SubjectId, cancellationToken);
        if (account is null)
            return false;
        Reset = request;
        Account = account;
        Factors = await factors.ListAsync(account.Id, cancellationToken);
        History = await db.AuditEvents.AsNoTracking()
            .Where(e => e.SubjectId == account.Id && (e.Type.StartsWith("signin.") || e.Type.StartsWith("factor.") || e.Type.StartsWith("helpdesk.") || e.Type == AuditEventTypes.AccountLocked))
            .OrderByDescending(e => e.Id).Take(20).ToListAsync(cancellationToken);
        var staffIds = from link in db.UserRoles
                       join role in db.Roles on link.RoleId equals role.Id
                       where StaffRoles.All.Contains(role.Name!)
                       select link.UserId;
        Staff = await db.Users.AsNoTracking().Where(u => staffIds.Contains(u.Id)).OrderBy(u => u.FamilyName).ToListAsync(cancellationToken);
        StaffNames = Staff.ToDictionary(s => s.Id, s => $"{s.GivenName} {s.FamilyName} ({s.AccountNumber})");
        return true;
    }

    public string NameOf(string? userId) => userId is null ? "–" : StaffNames.TryGetValue(userId, out var name) ? name : userId;
}
