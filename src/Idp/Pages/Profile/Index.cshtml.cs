using Idp.Accounts;
using Idp.Authentication;
using Idp.Data;
using Idp.Data.Entities;
using Idp.Factors;
using Idp.Factors.Passkeys;
using Idp.Factors.Push;
using Idp.Factors.RecoveryCodes;
using Idp.Factors.Totp;
using Idp.Pages.Enrol;
using Idp.Pages.Infrastructure;
using Idp.Resources;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;

namespace Idp.Pages.Profile;

/// <summary>
/// "Secure Login Profil": the user's factors (add, rename, remove), recovery codes, trusted browsers and other
/// sessions. Removing a factor and new recovery codes need a second factor proved within the last minutes.
/// </summary>
public sealed class ProfileModel(
    SessionService sessions,
    SecondFactorFlow flow,
    FactorRegistry registry,
    TotpAuthenticators totp,
    PasskeyAuthenticators passkeys,
    PushFactor push,
    RecoveryCodeStore recoveryCodes,
    TrustedBrowsers trustedBrowsers,
    AccountRevocation revocation,
    UserManager<IdpUser> users,
    IdpDbContext db,
    AuditTrail audit,
    TimeProvider clock,
    IStringLocalizer<SharedResource> text,
    IOptions<IdentityOptions> identity,
    ILogger<ProfileModel> logger) : PageModel
{
    private const string NoticeKey = "Profile.Notice";
    private const int MaxPasswordFailures = 5;
    private static readonly TimeSpan PasswordFailureWindow = TimeSpan.FromMinutes(15);

    /// <summary>Bound only by the password handler, so the other forms never see its validation.</summary>
    public ChangePasswordInput Password { get; set; } = new();
    public IdpUser? Account { get; private set; }
    public IReadOnlyList<FactorInfo> Factors { get; private set; } = [];
    public FactorInfo? Codes { get; private set; }
    public IReadOnlyList<TrustedBrowser> Browsers { get; private set; } = [];
    public int OtherSessions { get; private set; }
    public bool Fresh { get; private set; }
    public string? Notice { get; private set; }
    public int PasswordLength => identity.Value.Password.RequiredLength;

    public string AddTotpUrl => SecondFactorFlow.Link(TotpAuthenticators.EnrolPage, null, SecondFactorFlow.ThenProfile);

    public string AddPushUrl => SecondFactorFlow.Link(PushFactor.EnrolPage, null, SecondFactorFlow.ThenProfile);

    public string AddPasskeyUrl => SecondFactorFlow.Link(PasskeyAuthenticators.EnrolPage, null, SecondFactorFlow.ThenProfile);

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken) =>
        await LoadAsync(cancellationToken) is { } redirect ? redirect : Page();

    public async Task<IActionResult> OnPostRenameAsync(string? id, string? name, CancellationToken cancellationToken)
    {
        if (await LoadAsync(cancellationToken) is { } redirect)
            return redirect;
        if (string.IsNullOrEmpty(id) || string.IsNullOrWhiteSpace(name) || (!await totp.RenameAsync(Account!.Id, id, name, cancellationToken) && !await passkeys.RenameAsync(Account.Id, id, name) && !await push.RenameAsync(Account.Id, id, name, cancellationToken)))
        {
            ModelState.AddModelError("", text["Profile_RenameFailed"]);
            return Page();
        }
        await audit.RecordAsync(AuditEventTypes.FactorRenamed, HttpContext, Account.Id, details: id, cancellationToken: cancellationToken);
        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostRemoveAsync(FactorKind kind, string? id, CancellationToken cancellationToken)
    {
        if (await LoadAsync(cancellationToken) is { } redirect)
            return redirect;
        if (!Fresh)
            return StepUpFirst();
        var factor = registry.Get(kind);
        if (factor is null || string.IsNullOrEmpty(id) || !await factor.RemoveAsync(Account!.Id, id, cancellationToken))
        {
            ModelState.AddModelError("", text["Profile_RemoveFailed"]);
            return Page();
        }
        audit.Add(AuditEventTypes.FactorRemoved, HttpContext, Account.Id, details: $"{kind} {id}");
        FactorsLog.Removed(logger, Account.Id, kind, id);
        // Without a real factor, recovery codes would be a second factor of their own: they go too.
        if ((await registry.ListPrimaryAsync(Account.Id, cancellationToken)).Count == 0)
            await recoveryCodes.RemoveAllAsync(Account.Id, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        return RedirectToPage();
    }

    /// <summary>
    /// Sets the mobile number for SMS codes (push registration). Changing a number once a factor exists needs a
    /// fresh factor, like removing one: the number decides where a new device's code goes.
    /// </summary>
    public async Task<IActionResult> OnPostPhoneAsync(string? phoneNumber, CancellationToken cancellationToken)
    {
        if (await LoadAsync(cancellationToken) is { } redirect)
            return redirect;
        if (Factors.Count > 0 && !Fresh)
            return StepUpFirst();
        var trimmed = phoneNumber?.Trim() ?? "";
        if (!System.Text.RegularExpressions.Regex.IsMatch(trimmed, PhoneNumbers.Pattern))
        {
            ModelState.AddModelError("phoneNumber", text["EnrolPush_Phone_Invalid"]);
            return Page();
        }
        var user = await users.FindByIdAsync(Account!.Id);
        user!.PhoneNumber = PhoneNumbers.Normalize(trimmed);
        user.PhoneNumberConfirmed = false;
        await users.UpdateAsync(user);
        await audit.RecordAsync(PushAuditEvents.PhoneChanged, HttpContext, user.Id, details: "profile", cancellationToken: cancellationToken);
        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostRegenerateCodesAsync(CancellationToken cancellationToken)
    {
        if (await LoadAsync(cancellationToken) is { } redirect)
            return redirect;
        if (!Fresh)
            return StepUpFirst();
        if (Factors.Count == 0)
            return RedirectToPage();
        TempData[EnrolTotpModel.RecoveryCodesKey] = string.Join('\n', await recoveryCodes.GenerateAsync(HttpContext, Account!.Id, cancellationToken));
        return LocalRedirect(SecondFactorFlow.Link(RecoveryCodeStore.ShowPage, null, SecondFactorFlow.ThenProfile));
    }

    public async Task<IActionResult> OnPostRevokeBrowserAsync(string? id, CancellationToken cancellationToken)
    {
        if (await LoadAsync(cancellationToken) is { } redirect)
            return redirect;
        if (!string.IsNullOrEmpty(id))
            await trustedBrowsers.RevokeAsync(HttpContext, Account!.Id, id, cancellationToken);
        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostSignOutOthersAsync(CancellationToken cancellationToken)
    {
        if (await LoadAsync(cancellationToken) is { } redirect)
            return redirect;
        var current = await sessions.GetCurrentAsync(HttpContext);
        await revocation.RevokeAsync(Account!.Id, RevocationReason.SignOutOtherSessions, current!.Id, HttpContext, cancellationToken);
        return RedirectToPage();
    }

    /// <summary>
    /// A new password, proved by the current one: this session stays, every other ends, and every refresh token (also
    /// <c>offline_access</c>) and trusted browser is revoked, in one transaction with the new password.
    /// </summary>
    public async Task<IActionResult> OnPostPasswordAsync(CancellationToken cancellationToken)
    {
        if (await LoadAsync(cancellationToken) is { } redirect)
            return redirect;
        if (!await TryUpdateModelAsync(Password, nameof(Password)))
            return Page();
        // A stolen session must not become a way to guess the password: a few wrong tries, then a pause.
        var since = clock.GetUtcNow() - PasswordFailureWindow;
        if (await db.AuditEvents.CountAsync(e => e.SubjectId == Account!.Id && e.Type == AuditEventTypes.PasswordChangeFailed && e.OccurredAt > since, cancellationToken) >= MaxPasswordFailures)
        {
            ModelState.AddModelError("", text["Profile_PasswordTooManyTries"]);
            return Page();
        }
        var current = await sessions.GetCurrentAsync(HttpContext);
        revocation.ForgetUncommitted();
        await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
        {
            var result = await users.ChangePasswordAsync(Account!, Password.CurrentPassword!, Password.NewPassword!);
            if (!result.Succeeded)
            {
                await transaction.RollbackAsync(cancellationToken);
                if (result.Errors.Any(e => e.Code == nameof(IdentityErrorDescriber.PasswordMismatch)))
                {
                    await audit.RecordAsync(AuditEventTypes.PasswordChangeFailed, HttpContext, Account!.Id, cancellationToken: cancellationToken);
                    ModelState.AddModelError($"{nameof(Password)}.{nameof(ChangePasswordInput.CurrentPassword)}", text["Profile_CurrentPassword_Wrong"]);
                }
                else
                {
                    ModelState.AddIdentityErrors(result.Errors, text, identity.Value, $"{nameof(Password)}.{nameof(ChangePasswordInput.NewPassword)}");
                }
                return Page();
            }
            audit.Add(AuditEventTypes.PasswordChanged, HttpContext, Account!.Id);
            await revocation.RevokeAsync(Account.Id, RevocationReason.PasswordChange, current!.Id, HttpContext, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        revocation.NotifyCommitted();
        UiLog.PasswordChanged(logger, Account.Id);
        TempData[NoticeKey] = text["Profile_PasswordChanged"].Value;
        return RedirectToPage();
    }

    private IActionResult StepUpFirst() =>
        LocalRedirect(SecondFactorFlow.Link(FactorStepUpPolicy.StepUpPath, null, SecondFactorFlow.ThenProfile));

    private async Task<IActionResult?> LoadAsync(CancellationToken cancellationToken)
    {
        ViewData["Instructions"] = text["Profile_Instructions"].Value;
        Notice ??= TempData[NoticeKey] as string;
        var session = await sessions.GetCurrentAsync(HttpContext);
        Account = session is null ? null : await users.FindByIdAsync(session.SubjectId);
        if (Account is null)
            return LocalRedirect("/signin");
        Fresh = flow.IsFresh(session!);
        var all = await registry.ListAsync(Account.Id, cancellationToken);
        Factors = all.Where(f => f.Kind != FactorKind.RecoveryCode).ToList();
        Codes = all.FirstOrDefault(f => f.Kind == FactorKind.RecoveryCode);
        Browsers = await trustedBrowsers.ListAsync(Account.Id, cancellationToken);
        var now = clock.GetUtcNow();
        OtherSessions = await db.UserSessions.CountAsync(s => s.SubjectId == Account.Id && s.EndedAt == null && s.ExpiresAt > now && s.Id != session!.Id, cancellationToken);
        return null;
    }
}
