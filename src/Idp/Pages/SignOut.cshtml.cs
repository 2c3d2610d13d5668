using Idp.Accounts;
using Idp.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Idp.Pages;

/// <summary>
/// Sign-out asks first (a GET must not sign out: any page could embed the link). With <c>logout_id</c> the
/// request came from a portal (RP-initiated logout) and the browser goes back to it afterwards.
/// </summary>
public sealed class SignOutModel(
    SessionService sessions,
    AuditTrail audit,
    IServiceProvider services) : PageModel
{
    private readonly ILogoutInteraction? logout = services.GetService<ILogoutInteraction>();

    [BindProperty(SupportsGet = true, Name = "logout_id")]
    public string? LogoutId { get; set; }

    public LogoutContext? Portal { get; private set; }
    public bool SignedOut { get; private set; }
    public bool HasSession { get; private set; }

    public async Task OnGetAsync()
    {
        Portal = ReadLogout();
        HasSession = await sessions.GetCurrentAsync(HttpContext) is not null;
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        // Read before signing out: the logout request may be tied to the session.
        Portal = ReadLogout();
        var session = await sessions.GetCurrentAsync(HttpContext);
        if (logout is not null)
            await logout.SignOutAsync(HttpContext, cancellationToken);
        else
            await sessions.SignOutAsync(HttpContext);
        if (session is not null)
            await audit.RecordAsync(AuditEventTypes.SignedOut, HttpContext, session.SubjectId, cancellationToken: cancellationToken);

        if (!string.IsNullOrEmpty(Portal?.PostLogoutRedirectUrl))
            return Redirect(Portal.PostLogoutRedirectUrl); // validated against the client's registration by the engine
        SignedOut = true;
        return Page();
    }

    private LogoutContext? ReadLogout() =>
        logout is not null && !string.IsNullOrEmpty(LogoutId) && LogoutId.Length <= 200 ? logout.Read(LogoutId) : null;
}
