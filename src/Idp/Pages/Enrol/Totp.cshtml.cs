using System.ComponentModel.DataAnnotations;
using Idp.Authentication;
using Idp.Factors;
using Idp.Factors.Push;
using Idp.Factors.RecoveryCodes;
using Idp.Factors.Totp;
using Idp.Pages.Infrastructure;
using Idp.Resources;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;
using QRCoder;

namespace Idp.Pages.Enrol;

public sealed class TotpEnrolInput
{
    [Display(Name = "EnrolTotp_Name")]
    [StringLength(100, ErrorMessage = "Validation_TooLong")]
    public string? Name { get; set; }

    [Display(Name = "Totp_Code")]
    [Required(ErrorMessage = "Totp_Code_Required")]
    [StringLength(16, ErrorMessage = "Validation_TooLong")]
    public string? Code { get; set; }
}

/// <summary>
/// Adds an authenticator app: QR code, the secret in groups of four, an otpauth:// link, a name and the first
/// code. The secret travels in a protected hidden field until a code verifies; only then is it stored.
/// </summary>
public sealed class EnrolTotpModel(
    SecondFactorFlow flow,
    FactorRegistry registry,
    TotpAuthenticators totp,
    RecoveryCodeStore recoveryCodes,
    IOptions<PushOptions> push,
    IStringLocalizer<SharedResource> text) : SecondFactorPageModel(flow)
{
    public const string RecoveryCodesKey = "Enrol.RecoveryCodes";

    [BindProperty]
    public TotpEnrolInput Input { get; set; } = new();

    /// <summary>The candidate secret, protected for the hidden field.</summary>
    [BindProperty]
    public string? Candidate { get; set; }

    public string SecretGrouped { get; private set; } = "";
    public string OtpAuthUri { get; private set; } = "";
    public string QrCodeDataUri { get; private set; } = "";

    /// <summary>The companion authenticator (it keeps TOTP secrets too, on a computer as well): linked for users without a smartphone.</summary>
    public string? CompanionUrl => string.IsNullOrEmpty(push.Value.AuthenticatorUrl) ? null : push.Value.AuthenticatorUrl.TrimEnd('/');

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        if (await EnsureMayEnrolAsync(registry, cancellationToken) is { } redirect)
            return redirect;
        Show(totp.NewCandidate(State!.User.Id));
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        if (await EnsureMayEnrolAsync(registry, cancellationToken) is { } redirect)
            return redirect;
        var candidate = totp.ReadCandidate(Candidate, State!.User.Id);
        if (candidate is null)
        {
            Show(totp.NewCandidate(State.User.Id));
            ModelState.AddModelError("", text["EnrolTotp_Expired"]);
            return Page();
        }
        Show(candidate);
        if (!ModelState.IsValid)
            return Page();

        var name = string.IsNullOrWhiteSpace(Input.Name) ? text["EnrolTotp_DefaultName"].Value : Input.Name;
        var factor = await totp.EnrolAsync(HttpContext, candidate, name, Input.Code, cancellationToken);
        if (factor is null)
        {
            ModelState.AddModelError("Input.Code", text["EnrolTotp_WrongCode"]);
            ModelState.SetModelValue("Input.Code", "", "");
            return Page();
        }

        var next = State.CompletesSignIn
            ? await Flow.CompleteAsync(HttpContext, State, totp, trustBrowser: false, cancellationToken)
            : await Flow.ContinueUrlAsync(HttpContext, State, cancellationToken);
        var hasCodes = (await recoveryCodes.ListAsync(State.User.Id, cancellationToken)).Any(c => c.Remaining > 0);
        if (hasCodes)
            return LocalRedirect(State.CompletesSignIn ? next : SecondFactorFlow.ProfilePath);
        TempData[RecoveryCodesKey] = string.Join('\n', await recoveryCodes.GenerateAsync(HttpContext, State.User.Id, cancellationToken));
        return LocalRedirect(StepLink(RecoveryCodeStore.ShowPage));
    }

    private void Show(TotpCandidate candidate)
    {
        Candidate = totp.ProtectCandidate(candidate);
        SecretGrouped = Base32.Grouped(candidate.Base32Secret);
        OtpAuthUri = totp.OtpAuthUri(candidate, State!.User.AccountNumber);
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(OtpAuthUri, QRCodeGenerator.ECCLevel.M);
        var svg = new SvgQRCode(data).GetGraphic(4);
        QrCodeDataUri = "data:image/svg+xml;base64," + Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(svg));
        ModelState.SetModelValue(nameof(Candidate), Candidate, Candidate);
    }
}
