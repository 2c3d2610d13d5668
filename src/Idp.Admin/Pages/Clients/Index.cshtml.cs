using Idp.Admin.Authentication;
using Idp.Data;
using Idp.Data.Entities;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Idp.Admin.Pages.Clients;

[Authorize(Policy = StaffPolicies.Admin)]
public sealed class IndexModel(IdpDbContext db) : PageModel
{
    public IReadOnlyList<Client> Clients { get; private set; } = [];

    public async Task OnGetAsync() =>
        Clients = await db.Clients.AsNoTracking().OrderBy(c => c.ClientId).ToListAsync(HttpContext.RequestAborted);
}
