using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;
using Portal.Authentication;

namespace Portal.Pages;

/// <summary>Shows a fixed message per reason code; exception details stay in the log.</summary>
[IgnoreAntiforgeryToken]
[ResponseCache(NoStore = true, Location = ResponseCacheLocation.None)]
public sealed class ErrorModel(IOptions<PortalOptions> options) : PageModel
{
    public string Heading { get; private set; } = "Something went wrong";
    public string Message { get; private set; } = "Please try again later.";

    public void OnGet(string? reason)
    {
        // The sign-in handler throws when it cannot read Idp's discovery document (IdentityModel's IDX20803).
        if (reason is null && HttpContext.Features.Get<IExceptionHandlerFeature>()?.Error is InvalidOperationException { Message: var message }
            && message.StartsWith("IDX20803", StringComparison.Ordinal))
        {
            reason = ErrorPage.IdpUnavailable;
        }

        (Heading, Message) = reason switch
        {
            ErrorPage.AccessDenied => ("Sign-in cancelled", "You cancelled the sign-in, or Idp did not allow it."),
            ErrorPage.IdpUnavailable => ("Idp is not reachable", $"The portal could not reach Idp at {options.Value.Authority}. Is it running?"),
            ErrorPage.SignInFailed => ("Sign-in failed", "The sign-in could not be completed. Please try again."),
            ErrorPage.StepUpUnmet => ("Higher sign-in level not reached",
                "Your sign-in could not reach the required level: Idp has no second factor for your account that reaches it (unmet_authentication_requirements)."),
            _ => (Heading, Message),
        };
        if (reason is not null)
            Response.StatusCode = StatusCodes.Status400BadRequest;
    }

    public void OnPost() => OnGet(null);
}
