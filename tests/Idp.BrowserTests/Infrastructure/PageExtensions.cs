using System.Text.RegularExpressions;

namespace Idp.BrowserTests.Infrastructure;

public static class PageExtensions
{
    /// <summary>
    /// Waits until the page is at <paramref name="where"/> and shows its document. <c>**/path**</c> means exactly that
    /// path (any query); anything ending in <c>?**</c> means that URL with a query. Exact paths, because as a glob
    /// <c>**/enrol?**</c> also matches <c>/enrol/welcome</c>. The URL is polled rather than awaited through the page's
    /// load events, which Chromium may report before the wait starts when a form navigates quickly.
    /// </summary>
    public static async Task WaitForPageAsync(this IPage page, string where)
    {
        var pattern = where.StartsWith("**/", StringComparison.Ordinal)
            ? $"^[a-z]+://[^/]+{Regex.Escape(where[2..].TrimEnd('*').TrimEnd('?'))}(\\?.*)?$"
            : "^" + Regex.Escape(where.EndsWith("?**", StringComparison.Ordinal) ? where[..^2] : where);
        await Assertions.Expect(page).ToHaveURLAsync(new Regex(pattern), new() { Timeout = 60_000 });
        await page.Locator("body").WaitForAsync(new() { State = WaitForSelectorState.Attached });
    }
}
