using Idp.Authentication;
using Idp.Data.Entities;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Idp.Pages;

/// <summary>Idp's own start page: who is signed in, and a way out.</summary>
public sealed class IndexModel(SessionService sessions, UserManager<IdpUser> users) : PageModel
{
    public IdpUser? SignedInUser { get; private set; }

    public async Task OnGetAsync()
    {
        var session = await sessions.GetCurrentAsync(HttpContext);
        if (session is not null)
            SignedInUser = await users.FindByIdAsync(session.SubjectId);
    }
}
