using System.Globalization;
using System.Text;
using Idp.Accounts;
using Idp.Admin.Authentication;
using Idp.Admin.Infrastructure;
using Idp.Data;
using Idp.Data.Entities;
using Idp.Helpdesk;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Idp.Admin.Pages.Audit;

/// <summary>The audit log: every admin and security event, filtered by type, user or staff member, text and time; exportable as CSV.</summary>
[Authorize(Policy = StaffPolicies.Supervisor)]
public sealed class IndexModel(IdpDbContext db, AuditTrail audit, SlaCalendar calendar) : PageModel
{
    public const int PageSize = 100;
    public const int MaxExport = 100_000;

    [BindProperty(SupportsGet = true)] public string? Type { get; set; }
    [BindProperty(SupportsGet = true)] public string? Who { get; set; }
    [BindProperty(SupportsGet = true)] public string? Text { get; set; }
    [BindProperty(SupportsGet = true)] public DateOnly? From { get; set; }
    [BindProperty(SupportsGet = true)] public DateOnly? To { get; set; }
    [BindProperty(SupportsGet = true, Name = "p")] public int PageNumber { get; set; } = 1;

    public IReadOnlyList<AuditEvent> Events { get; private set; } = [];
    public bool HasMore { get; private set; }

    public async Task OnGetAsync()
    {
        PageNumber = Math.Max(1, PageNumber);
        var rows = await Filtered().Skip((PageNumber - 1) * PageSize).Take(PageSize + 1).ToListAsync(HttpContext.RequestAborted);
        HasMore = rows.Count > PageSize;
        Events = rows.Take(PageSize).ToList();
    }

    public async Task<IActionResult> OnGetExportAsync()
    {
        var rows = await Filtered().Take(MaxExport).ToListAsync(HttpContext.RequestAborted);
        audit.AddAction(AdminAuditTypes.AuditExported, HttpContext, User.Subject(),
            details: $"{rows.Count} events; type={Type} who={Who} text={Text} from={From} to={To}");
        await db.SaveChangesAsync(HttpContext.RequestAborted);
        var csv = new StringBuilder("id,occurred_at,type,actor,subject,client,ip_address,details\r\n");
        foreach (var e in rows)
        {
            csv.Append(e.Id.ToString(CultureInfo.InvariantCulture)).Append(',')
                .Append(e.OccurredAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)).Append(',')
                .Append(Cell(e.Type)).Append(',').Append(Cell(e.ActorId)).Append(',').Append(Cell(e.SubjectId)).Append(',')
                .Append(Cell(e.ClientId)).Append(',').Append(Cell(e.IpAddress)).Append(',').Append(Cell(e.Details)).Append("\r\n");
        }
        return File(Encoding.UTF8.GetBytes(csv.ToString()), "text/csv; charset=utf-8", "audit.csv");
    }

    private IQueryable<AuditEvent> Filtered()
    {
        var query = db.AuditEvents.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(Type))
        {
            var type = Type.Trim();
            query = query.Where(e => e.Type.StartsWith(type));
        }
        if (!string.IsNullOrWhiteSpace(Who))
        {
            var who = Who.Trim();
            // An account number names a user: search by their id.
            var ids = db.Users.Where(u => u.AccountNumber == who).Select(u => u.Id);
            query = query.Where(e => e.SubjectId == who || e.ActorId == who || ids.Contains(e.SubjectId!) || ids.Contains(e.ActorId!));
        }
        if (!string.IsNullOrWhiteSpace(Text))
        {
            var text = Text.Trim();
            query = query.Where(e => e.Details != null && e.Details.Contains(text));
        }
        if (From is { } from)
        {
            // Days are the helpdesk's local days, as the times in the list are.
            var start = calendar.StartOfLocalDay(from);
            query = query.Where(e => e.OccurredAt >= start);
        }
        if (To is { } to)
        {
            var end = calendar.StartOfLocalDay(to.AddDays(1));
            query = query.Where(e => e.OccurredAt < end);
        }
        return query.OrderByDescending(e => e.Id);
    }

    /// <summary>RFC 4180 quoting; a leading = + - @ is defused so spreadsheets do not run it as a formula.</summary>
    public static string Cell(string? value)
    {
        if (string.IsNullOrEmpty(value))
            return "";
        if (value[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
            value = "'" + value;
        return value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + value.Replace("\"", "\"\"") + "\"" : value;
    }
}
