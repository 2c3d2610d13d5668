using System.Text.RegularExpressions;
using Idp.Data.Entities;
using Idp.IntegrationTests.Infrastructure;

namespace Idp.IntegrationTests.SignIn;

/// <summary>What a user does on the sign-in pages, in the pages' own words (form ids and field names).</summary>
internal static partial class SignInSteps
{
    public static async Task<BrowserResponse> SignInAsync(this BrowserClient browser, string login, string password, string? requestId = null, bool remember = false)
    {
        await browser.GetAsync(requestId is null ? "/signin" : $"/signin?request_id={requestId}");
        var fields = new Dictionary<string, string?> { ["Input.Login"] = login, ["Input.Password"] = password };
        if (remember)
            fields["Input.RememberMe"] = "true";
        return await browser.SubmitFormAsync("#signin-form", fields, followRedirects: false);
    }

    public static async Task<BrowserResponse> RegisterAsync(this BrowserClient browser, string email, string password = TestUsers.Password, string? requestId = null)
    {
        await browser.GetAsync(requestId is null ? "/register" : $"/register?request_id={requestId}");
        return await browser.SubmitFormAsync("#register-form", new()
        {
            ["Input.Email"] = email,
            ["Input.GivenName"] = "Erika",
            ["Input.FamilyName"] = "Mustermann",
            ["Input.Password"] = password,
            ["Input.ConfirmPassword"] = password,
        });
    }

    /// <summary>The Idp-relative links in a message (the issuer in tests is http://localhost).</summary>
    public static IReadOnlyList<string> Links(this OutboxMessage message) =>
        LinkPattern().Matches(message.Body).Select(m => m.Value[IdpFactory.Issuer.Length..]).ToList();

    public static string? ErrorSummary(this BrowserResponse page) => page.Text(".error-summary");

    public static string? Notice(this BrowserResponse page) => page.Text(".notice");

    [GeneratedRegex(@"http://localhost/[^\s]+")]
    private static partial Regex LinkPattern();
}
