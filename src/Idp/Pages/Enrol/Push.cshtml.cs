using System.ComponentModel.DataAnnotations;
using Idp.Accounts;
using Idp.Authentication;
using Idp.Data;
using Idp.Data.Entities;
using Idp.Factors;
using Idp.Factors.Push;
using Idp.Factors.RecoveryCodes;
using Idp.Pages.Infrastructure;
using Idp.Resources;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;
using QRCoder;

namespace Idp.Pages.Enrol;

public sealed class PushPhoneInput
{
    [Display(Name = "EnrolPush_Phone")]
    [Required(ErrorMessage = "EnrolPush_Phone_Required")]
    [RegularExpression(PhoneNumbers.Pattern, ErrorMessage = "EnrolPush_Phone_Invalid")]
    public string? PhoneNumber { get; set; }
}

/// <summary>Phone numbers for SMS codes: international form, digits with optional spaces.</summary>
public static class PhoneNumbers
{
    public const string Pattern = @"^\+[1-9][0-9 ]{6,20}$";

    public static string Normalize(string phone) => "+" + new string(phone.Where(char.IsAsciiDigit).ToArray());
}

/// <summary>
/// Enrols push approval: explains how to add the account in the companion authenticator (link and QR code to
/// <c>Idp:Push:AuthenticatorUrl</c>), asks for a phone number first when the account has none (the SMS code goes
/// there), and waits until the app's registration appears; <c>wwwroot/js/push-enrol.js</c> asks every two
/// seconds and submits the form, or the user presses "Continue".
/// </summary>
public sealed class EnrolPushModel(
    SecondFactorFlow flow,
    FactorRegistry registry,
    PushFactor push,
    RecoveryCodeStore recoveryCodes,
    IdpDbContext db,
    UserManager<IdpUser> users,
    AuditTrail audit,
    TimeProvider clock,
    IOptions<PushOptions> options,
    IStringLocalizer<SharedResource> text) : SecondFactorPageModel(flow)
{
    [BindProperty]
    public PushPhoneInput Input { get; set; } = new();

    /// <summary>When the page was first shown (UTC ticks): a credential registered since then completes the enrolment.</summary>
    [BindProperty(SupportsGet = true, Name = "since")]
    public long Since { get; set; }

    public bool NeedsPhone { get; private set; }
    public string? MaskedPhone { get; private set; }
    public string? AuthenticatorUrl => options.Value.AuthenticatorUrl;
    public string? QrCodeDataUri { get; private set; }
    public string StatusUrl => FormAction("Status");

    public string FormAction(string? handler = null)
    {
        var link = StepLink(PushFactor.EnrolPage);
        var query = new List<string> { "since=" + Since.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        if (handler is not null)
            query.Add("handler=" + handler);
        return link + (link.Contains('?') ? "&" : "?") + string.Join('&', query);
    }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        if (await EnsureMayEnrolAsync(registry, cancellationToken) is { } redirect)
            return redirect;
        if (Since <= 0 || Since > clock.GetUtcNow().UtcTicks)
            Since = clock.GetUtcNow().UtcTicks;
        Prepare();
        return Page();
    }

    /// <summary>For the script: whether the app's registration has arrived.</summary>
    public async Task<IActionResult> OnGetStatusAsync(CancellationToken cancellationToken)
    {
        if (await EnsureMayEnrolAsync(registry, cancellationToken) is not null)
            return new JsonResult(new { enrolled = false, signIn = true });
        return new JsonResult(new { enrolled = await NewCredentialAsync(cancellationToken) });
    }

    /// <summary>"Continue": completes once a credential registered since the page was shown.</summary>
    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        if (await EnsureMayEnrolAsync(registry, cancellationToken) is { } redirect)
            return redirect;
        ModelState.Clear();
        if (await NewCredentialAsync(cancellationToken))
            return LocalRedirect(await NextAsync(cancellationToken));
        ModelState.AddModelError("", text["EnrolPush_NotYet"]);
        Prepare();
        return Page();
    }

    /// <summary>Sets the phone number the SMS code goes to (only when the account has none; the profile changes it).</summary>
    public async Task<IActionResult> OnPostPhoneAsync(CancellationToken cancellationToken)
    {
        if (await EnsureMayEnrolAsync(registry, cancellationToken) is { } redirect)
            return redirect;
        if (!string.IsNullOrEmpty(State!.User.PhoneNumber))
            return LocalRedirect(FormAction());
        if (!ModelState.IsValid)
        {
            Prepare();
            return Page();
        }
        var user = await users.FindByIdAsync(State.User.Id);
        user!.PhoneNumber = PhoneNumbers.Normalize(Input.PhoneNumber!);
        user.PhoneNumberConfirmed = false;
        await users.UpdateAsync(user);
        await audit.RecordAsync(PushAuditEvents.PhoneChanged, HttpContext, user.Id, details: "set at push enrolment", cancellationToken: cancellationToken);
        return LocalRedirect(FormAction());
    }

    private void Prepare()
    {
        ViewData["Instructions"] = text["EnrolPush_Instructions"].Value;
        NeedsPhone = string.IsNullOrEmpty(State!.User.PhoneNumber);
        MaskedPhone = NeedsPhone ? null : PushApprovals.MaskPhone(State.User.PhoneNumber!);
        if (!string.IsNullOrEmpty(AuthenticatorUrl))
        {
            using var generator = new QRCodeGenerator();
            using var data = generator.CreateQrCode(AuthenticatorUrl, QRCodeGenerator.ECCLevel.M);
            QrCodeDataUri = "data:image/svg+xml;base64," + Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(new SvgQRCode(data).GetGraphic(4)));
        }
    }

    private async Task<bool> NewCredentialAsync(CancellationToken cancellationToken)
    {
        var since = new DateTimeOffset(Math.Clamp(Since, 0, DateTimeOffset.MaxValue.UtcTicks), TimeSpan.Zero);
        var userId = State!.User.Id;
        return await db.PushCredentials.AsNoTracking().AnyAsync(c => c.SubjectId == userId && c.CreatedAt >= since, cancellationToken);
    }

    private async Task<string> NextAsync(CancellationToken cancellationToken)
    {
        var next = State!.CompletesSignIn
            ? await Flow.CompleteAsync(HttpContext, State, push, trustBrowser: false, cancellationToken)
            : await Flow.ContinueUrlAsync(HttpContext, State, cancellationToken);
        var hasCodes = (await recoveryCodes.ListAsync(State.User.Id, cancellationToken)).Any(c => c.Remaining > 0);
        if (hasCodes)
            return State.CompletesSignIn ? next : SecondFactorFlow.ProfilePath;
        TempData[EnrolTotpModel.RecoveryCodesKey] = string.Join('\n', await recoveryCodes.GenerateAsync(HttpContext, State.User.Id, cancellationToken));
        return StepLink(RecoveryCodeStore.ShowPage);
    }
}
