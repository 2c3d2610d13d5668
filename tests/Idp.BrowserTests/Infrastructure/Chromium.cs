using Microsoft.Playwright;

namespace Idp.BrowserTests.Infrastructure;

/// <summary>Debian's Chromium, driven by Playwright; Playwright's own browser download is never used.</summary>
public static class Chromium
{
    public const string ExecutablePath = "/usr/bin/chromium";

    public static bool IsInstalled => File.Exists(ExecutablePath);

    public static string SkipReason =>
        $"{ExecutablePath} is missing: install Debian's chromium (./test.sh does it with apt) to run the browser tests.";

    /// <summary>
    /// Headless, as root in a container (<c>--no-sandbox</c>), and without the background traffic that this
    /// machine's closed network refuses.
    /// </summary>
    public static Task<IBrowser> LaunchAsync(IPlaywright playwright) =>
        playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            Args =
            [
                "--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
            ],
        });
}

/// <summary>A test that needs Chromium: skipped, with the reason, only when <c>/usr/bin/chromium</c> is missing.</summary>
public sealed class BrowserFactAttribute : FactAttribute
{
    public BrowserFactAttribute()
    {
        if (!Chromium.IsInstalled)
            Skip = Chromium.SkipReason;
    }
}
