using Idp.Admin.Authentication;
using Idp.Admin.Infrastructure;
using Idp.Data;
using Idp.Helpdesk;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Idp.Admin.Pages.Dashboard;

/// <summary>The SLA dashboard: the numbers of <see cref="HelpdeskRequests.DashboardAsync"/> and a server-rendered SVG chart of the last 30 days.</summary>
[Authorize(Policy = StaffPolicies.Supervisor)]
public sealed class IndexModel(HelpdeskRequests requests, IdpDbContext db, SlaCalendar calendar, TimeProvider clock) : PageModel
{
    public const int Days = 30;

    public SlaDashboard Numbers { get; private set; } = null!;

    /// <summary>Per day of the last 30 (local days of the helpdesk's time zone): requests decided by their due time and after it.</summary>
    public IReadOnlyList<(DateOnly Day, int WithinSla, int Late)> PerDay { get; private set; } = [];

    public async Task OnGetAsync()
    {
        var cancellationToken = HttpContext.RequestAborted;
        Numbers = await requests.DashboardAsync(cancellationToken);
        var now = clock.GetUtcNow();
        var today = calendar.LocalDay(now);
        var since = calendar.StartOfLocalDay(today.AddDays(-(Days - 1)));
        var decided = await db.Set<ResetRequest>().AsNoTracking()
            .Where(r => r.DecidedAt != null && r.DecidedAt >= since)
            .Select(r => new { DecidedAt = r.DecidedAt!.Value, r.DueAt })
            .ToListAsync(cancellationToken);
        PerDay = Enumerable.Range(0, Days).Select(offset =>
        {
            var day = today.AddDays(offset - (Days - 1));
            var ofDay = decided.Where(d => calendar.LocalDay(d.DecidedAt) == day).ToList();
            return (day, ofDay.Count(d => d.DecidedAt <= d.DueAt), ofDay.Count(d => d.DecidedAt > d.DueAt));
        }).ToList();
    }
}
