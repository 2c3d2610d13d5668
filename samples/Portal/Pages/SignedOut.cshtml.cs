using Microsoft.AspNetCore.Mvc.RazorPages;
using Portal.Authentication;

namespace Portal.Pages;

/// <summary>Where Idp sends the browser after RP-initiated logout; the returned state must be the one the portal sent.</summary>
public sealed class SignedOutModel(ILogger<SignedOutModel> logger) : PageModel
{
    public bool Confirmed { get; private set; }

    public void OnGet(string? state)
    {
        Confirmed = SignOutState.Consume(HttpContext, state);
        if (!Confirmed)
        {
            Log.SignOutStateMismatch(logger);
            Response.StatusCode = StatusCodes.Status400BadRequest;
        }
    }
}
