using Idp.Accounts;
using Idp.Authentication;
using Idp.Pages.Infrastructure;
using Idp.Resources;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace Idp.Pages;

/// <summary>A third-party client asks for the user's data: the user allows or denies, optionally for good.</summary>
public sealed class ConsentModel(
    PortalInteraction interaction,
    SessionService sessions,
    AuditTrail audit,
    IStringLocalizer<SharedResource> text,
    ILogger<ConsentModel> logger) : PageModel
{
    [BindProperty(SupportsGet = true, Name = "request_id")]
    public string? RequestId { get; set; }

    [BindProperty]
    public bool Remember { get; set; }

    public AuthorizationContext? Portal { get; private set; }

    /// <summary>The requested scopes in words; scopes without a text are shown by name.</summary>
    public IReadOnlyList<string> ScopeDescriptions { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        var (result, _) = await LoadAsync(cancellationToken);
        return result ?? Page();
    }

    public async Task<IActionResult> OnPostAllowAsync(CancellationToken cancellationToken)
    {
        var (result, session) = await LoadAsync(cancellationToken);
        if (result is not null)
            return result;
        await interaction.Engine!.GrantConsentAsync(Portal!.RequestId, session!.SubjectId, Portal.Scopes, Remember, cancellationToken);
        await audit.RecordAsync(AuditEventTypes.ConsentGranted, HttpContext, session.SubjectId, Portal.ClientId,
            $"{string.Join(' ', Portal.Scopes)}{(Remember ? " (remembered)" : "")}", cancellationToken);
        UiLog.ConsentDecided(logger, "granted", session.SubjectId, Portal.ClientId);
        return LocalRedirect(interaction.ContinueUrl(Portal));
    }

    public async Task<IActionResult> OnPostDenyAsync(CancellationToken cancellationToken)
    {
        var (result, session) = await LoadAsync(cancellationToken);
        if (result is not null)
            return result;
        await interaction.Engine!.DenyAsync(Portal!.RequestId, cancellationToken);
        await audit.RecordAsync(AuditEventTypes.ConsentDenied, HttpContext, session!.SubjectId, Portal.ClientId, cancellationToken: cancellationToken);
        UiLog.ConsentDecided(logger, "denied", session.SubjectId, Portal.ClientId);
        return LocalRedirect(interaction.ContinueUrl(Portal));
    }

    /// <summary>Null result when the page can go on; otherwise where to send the browser instead.</summary>
    private async Task<(IActionResult? Result, Data.Entities.UserSession? Session)> LoadAsync(CancellationToken cancellationToken)
    {
        ViewData["Instructions"] = text["Consent_Instructions"].Value;
        Portal = await interaction.GetContextAsync(RequestId, cancellationToken);
        if (Portal is null)
        {
            UiLog.InteractionUnknown(logger);
            return (Page(), null);
        }
        var session = await sessions.GetCurrentAsync(HttpContext);
        if (session is null)
            return (RedirectToPage("/SignIn/Index", new { request_id = Portal.RequestId }), null);

        ScopeDescriptions = Portal.Scopes
            .Select(scope => text[$"Scope_{scope}"] is { ResourceNotFound: false } described ? described.Value : scope)
            .ToList();
        return (null, session);
    }
}
