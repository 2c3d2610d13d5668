namespace Idp.BrowserTests.Infrastructure;

public static class PageExtensions
{
    /// <summary>
    /// Waits until the page is at <paramref name="url"/> and its document is parsed. Idp's pages are rendered on the
    /// server, so the DOM is all a test needs; the load event can lag far behind on a busy two-core machine.
    /// </summary>
    public static Task WaitForPageAsync(this IPage page, string url) =>
        page.WaitForURLAsync(url, new() { WaitUntil = WaitUntilState.DOMContentLoaded });
}
