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
        (Heading, Message) = reason switch
        {
            ErrorPage.AccessDenied => ("Sign-in cancelled", "You cancelled the sign-in, or Idp did not allow it."),
            ErrorPage.IdpUnavailable => ("Idp is not reachable", $"The portal could not reach Idp at {options.Value.Authority}. Is it running?"),
            ErrorPage.SignInFailed => ("Sign-in failed", "The sign-in could not be completed. Please try again."),
            _ => (Heading, Message),
        };
        if (reason is not null)
            Response.StatusCode = StatusCodes.Status400BadRequest;
    }

    public void OnPost() => OnGet(null);
}
