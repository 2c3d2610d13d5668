using Idp.Data;
using Idp.Data.Entities;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Idp.Admin.Pages.Users;

/// <summary>Search by name, e-mail or account number.</summary>
public sealed class IndexModel(IdpDbContext db, TimeProvider clock) : PageModel
{
    public const int MaxResults = 50;

    public string? Query { get; private set; }
    public IReadOnlyList<IdpUser> Results { get; private set; } = [];
    public DateTimeOffset Now { get; private set; }

    public async Task OnGetAsync(string? q)
    {
        Now = clock.GetUtcNow();
        Query = q?.Trim();
        if (string.IsNullOrEmpty(Query))
            return;
        var upper = Query.ToUpperInvariant();
        var like = "%" + EscapeLike(upper) + "%";
        Results = await db.Users.AsNoTracking()
            .Where(u => u.AccountNumber.StartsWith(Query)
                        || EF.Functions.Like(u.NormalizedEmail!, like, "\\")
                        || EF.Functions.Like((u.GivenName + " " + u.FamilyName).ToUpper(), like, "\\"))
            .OrderBy(u => u.FamilyName).ThenBy(u => u.GivenName)
            .Take(MaxResults)
            .ToListAsync(HttpContext.RequestAborted);
    }

    private static string EscapeLike(string value) => value.Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_");
}
