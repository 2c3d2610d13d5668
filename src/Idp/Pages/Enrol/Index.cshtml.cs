using Idp.Authentication;
using Idp.Factors;
using Idp.Pages.Infrastructure;
using Idp.Resources;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;

namespace Idp.Pages.Enrol;

/// <summary>The choice of factor to enrol, with the authenticator apps known to work.</summary>
public sealed class ChooseFactorModel(SecondFactorFlow flow, FactorRegistry registry, IStringLocalizer<SharedResource> text) : SecondFactorPageModel(flow)
{
    /// <summary>Apps that implement RFC 6238 with SHA-1, 6 digits, 30 s (what the QR code asks for).</summary>
    public static readonly IReadOnlyList<(string Name, string Platforms)> CompatibleApps =
    [
        ("Microsoft Authenticator", "iOS, Android"),
        ("Google Authenticator", "iOS, Android"),
        ("FreeOTP", "iOS, Android"),
        ("Authy", "iOS, Android"),
        ("Duo Mobile", "iOS, Android"),
        ("KeePassXC, 2FAS, Aegis", "Desktop / Android"),
    ];

    public IReadOnlyList<ISecondFactor> Factors { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        ViewData["Instructions"] = text["Enrol_Instructions"].Value;
        if (await EnsureMayEnrolAsync(registry, cancellationToken) is { } redirect)
            return redirect;
        Factors = registry.Enrollable.ToList();
        return Page();
    }
}
