namespace Idp.BrowserTests.Harness;

/// <summary>The harness itself: axe-core runs under the app's CSP and does find violations.</summary>
public sealed class HarnessTests(BrowserHostFixture fixture) : IClassFixture<BrowserHostFixture>
{
    [BrowserFact]
    public async Task Axe_OnPageWithCsp_FindsViolationsItIsShown()
    {
        await using var session = await fixture.NewSessionAsync(nameof(Axe_OnPageWithCsp_FindsViolationsItIsShown));
        var page = session.Page;
        await session.RunAsync(async () =>
        {
            var response = await page.GotoAsync(fixture.Host.BaseUrl + "/signin");
            Assert.Contains("script-src 'self'", await response!.HeaderValueAsync("content-security-policy"));

            // A field without a label: axe must see it (proof that the script ran in this page despite the CSP).
            await page.EvaluateAsync("() => { const i = document.createElement('input'); i.type = 'text'; document.querySelector('main, body').appendChild(i); }");
            var violations = await Axe.RunAsync(page);
            Assert.Contains(violations, v => v.Id == "label" && v.Impact == "critical");
        });
    }
}
