using System.Text.RegularExpressions;
using Idp.Data;
using Idp.Data.Entities;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Idp.Pages.Dev;

/// <summary>Development only: the latest e-mails and SMS written to the outbox, with clickable links, so every flow can be walked locally.</summary>
public sealed partial class OutboxModel(IdpDbContext db, IHostEnvironment environment) : PageModel
{
    private const int PageSize = 50;

    public IReadOnlyList<OutboxMessage> Messages { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        if (!environment.IsDevelopment())
            return NotFound();
        // Back-channel logouts and Web Push have no text for a person to read.
        Messages = await db.Outbox.Where(m => m.Channel == OutboxChannel.Email || m.Channel == OutboxChannel.Sms)
            .OrderByDescending(m => m.Id).Take(PageSize).ToListAsync(cancellationToken);
        return Page();
    }

    /// <summary>The body split into text and http(s) links, so the view can encode the one and link the other.</summary>
    public static IEnumerable<(string Text, bool IsLink)> Segments(string body)
    {
        var position = 0;
        foreach (Match match in LinkPattern().Matches(body))
        {
            if (match.Index > position)
                yield return (body[position..match.Index], false);
            yield return (match.Value, true);
            position = match.Index + match.Length;
        }
        if (position < body.Length)
            yield return (body[position..], false);
    }

    [GeneratedRegex(@"https?://[^\s<>""]+")]
    private static partial Regex LinkPattern();
}
