using Idp.Data.Entities;
using Idp.Factors.Totp;
using Idp.IntegrationTests.Infrastructure;
using Idp.IntegrationTests.Protocol;
using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Idp.IntegrationTests.Factors;

/// <summary>What a user does on the second-factor pages, and what their phone does: codes from the secret shown on the page.</summary>
internal static class SecondFactorSteps
{
    /// <summary>The code an authenticator app shows now for a secret as printed on the page ("ABCD EFGH …").</summary>
    public static string CodeFor(string secret, IdpFactory idp, TimeSpan? offset = null) =>
        TotpAlgorithm.Compute(Base32.Decode(secret)!, idp.Clock.GetUtcNow() + (offset ?? TimeSpan.Zero));

    /// <summary>From the welcome page (or the choice of factor) to the recovery codes page; returns the secret and the codes page.</summary>
    public static async Task<(string Secret, BrowserResponse CodesPage)> EnrolTotpAsync(this BrowserClient browser, IdpFactory idp, string name = "My phone")
    {
        var page = browser.LastResponse;
        if (page.Url.AbsolutePath == "/enrol/welcome")
            page = await browser.SubmitFormAsync("#welcome-form");
        Assert.Equal("/enrol", page.Url.AbsolutePath);
        page = await browser.GetAsync(page.Document.QuerySelector("#enrol-totp")!.GetAttribute("href")!);
        var secret = page.Text("#totp-secret")!;
        var codes = await browser.SubmitFormAsync("#enrol-totp-form", new() { ["Input.Name"] = name, ["Input.Code"] = CodeFor(secret, idp) });
        Assert.Equal("/enrol/recovery-codes", codes.Url.AbsolutePath);
        return (secret, codes);
    }

    public static IReadOnlyList<string> RecoveryCodes(this BrowserResponse page) =>
        page.Document.QuerySelectorAll("#recovery-codes li").Select(li => li.TextContent.Trim()).ToList();

    /// <summary>Stores an authenticator for <paramref name="user"/> directly (as if enrolled earlier); returns its Base32 secret.</summary>
    public static async Task<string> SeedTotpAsync(this IdpFactory idp, IdpUser user)
    {
        return await idp.WithScopeAsync(async services =>
        {
            var totp = services.GetRequiredService<TotpAuthenticators>();
            var candidate = totp.NewCandidate(user.Id);
            // Enrolled a minute ago, so the current step is still unused.
            var earlier = TotpAlgorithm.Compute(candidate.Secret, idp.Clock.GetUtcNow().AddSeconds(-30));
            var factor = await totp.EnrolAsync(new DefaultHttpContext(), candidate, "Seeded phone", earlier);
            Assert.NotNull(factor);
            return candidate.Base32Secret;
        });
    }

    public static async Task<JsonWebToken> IdTokenAsync(this TestRelyingParty rp, BrowserResponse redirect)
    {
        var (response, body) = await rp.RedeemAsync(rp.CodeFrom(redirect));
        Assert.True(response.IsSuccessStatusCode, body.ToString());
        return await rp.ValidateAsync(body.GetProperty("id_token").GetString()!);
    }

    public static string[] Amr(this JsonWebToken token) => token.GetPayloadValue<string[]>("amr");
}
