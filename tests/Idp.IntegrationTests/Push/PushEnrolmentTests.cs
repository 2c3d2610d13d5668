using System.Net;
using System.Text.Json;
using Authenticator.Cli;
using Idp.Data.Entities;
using Idp.Factors.Push;
using Idp.IntegrationTests.Factors;
using Idp.IntegrationTests.Infrastructure;
using Idp.IntegrationTests.Protocol;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;

namespace Idp.IntegrationTests.Push;

/// <summary>Enrolment from the browser (phone number, waiting for the app), the profile, and the HTTP SMS gateway.</summary>
public sealed class PushEnrolmentTests
{
    [Fact]
    public async Task Enrol_AtSignIn_AsksForAPhone_WaitsForTheApp_ThenReturnsToThePortalWithPush()
    {
        await using var idp = new IdpFactory().WithClient(TestClients.Create("portal", c => c.Secret = TestClients.Secret))
            .WithSetting("Idp:Mfa:GraceSignIns", "0").WithSetting("Idp:Push:AuthenticatorUrl", "http://localhost:5400");
        var rp = new TestRelyingParty(idp, "portal");
        var user = await idp.CreateUserAsync(configure: u => u.WelcomeShown = true);
        using var browser = idp.CreateBrowser();

        var choice = await rp.AuthorizeAsync(browser, user);
        Assert.Equal("/enrol", choice.Url.AbsolutePath);
        var enrol = await browser.GetAsync(choice.Document.QuerySelector("#enrol-push")!.GetAttribute("href")!);
        Assert.Equal(PushFactor.EnrolPage, enrol.Url.AbsolutePath);
        var invalid = await browser.SubmitFormAsync(enrol, "#push-phone-form", new() { ["Input.PhoneNumber"] = "0151 no" });
        Assert.NotNull(invalid.Document.QuerySelector("#push-phone-form"));
        var waiting = await browser.SubmitFormAsync(enrol, "#push-phone-form", new() { ["Input.PhoneNumber"] = "+49 151 2345 6789" });
        Assert.NotNull(waiting.Document.QuerySelector("#enrol-push-form"));
        Assert.Equal("http://localhost:5400", waiting.Document.QuerySelector("#authenticator-link")!.GetAttribute("href"));
        Assert.Contains("+49 ••• ••• 89", waiting.Document.Body!.TextContent);

        var statusUrl = waiting.Document.QuerySelector("#enrol-push-form")!.GetAttribute("data-push-status")!;
        Assert.False(JsonDocument.Parse((await browser.GetAsync(statusUrl)).Body).RootElement.GetProperty("enrolled").GetBoolean());
        var notYet = await browser.SubmitFormAsync(waiting, "#enrol-push-form");
        Assert.NotNull(notYet.Document.QuerySelector("#enrol-push-form"));

        // The app registers with the account number, the password and the SMS code.
        var stored = await idp.WithDbAsync(db => db.Users.AsNoTracking().SingleAsync(u => u.Id == user.Id));
        Assert.Equal("+4915123456789", stored.PhoneNumber);
        using var device = await PushDevice.RegisterAsync(idp, stored);
        Assert.True(JsonDocument.Parse((await browser.GetAsync(statusUrl)).Body).RootElement.GetProperty("enrolled").GetBoolean());

        var codes = await browser.SubmitFormAsync(waiting, "#enrol-push-form");
        Assert.Equal("/enrol/recovery-codes", codes.Url.AbsolutePath);
        var token = await rp.IdTokenAsync(await browser.GetAsync(codes.Document.QuerySelector("#continue")!.GetAttribute("href")!));
        Assert.Equal(["pwd", "hwk", "mfa"], token.Amr());
    }

    [Fact]
    public async Task Profile_ListsRenamesAndRemovesTheDevice_AndSetsThePhone()
    {
        await using var idp = new IdpFactory().WithClient(TestClients.Create("portal", c => c.Secret = TestClients.Secret));
        var rp = new TestRelyingParty(idp, "portal");
        var user = await PushDevice.CreateUserWithPhoneAsync(idp);
        using var device = await PushDevice.RegisterAsync(idp, user, "Work phone");
        var client = PushDevice.Client(idp);
        var test = Assert.Single(await client.PendingAsync(device));
        await client.DecideAsync(device, test, approve: true, test.NumberChoices[0]);

        using var browser = idp.CreateBrowser();
        var page = await rp.AuthorizeAsync(browser, user);
        var request = Assert.Single(await client.PendingAsync(device));
        await client.DecideAsync(device, request, approve: true, int.Parse(page.Text("#push-number")!, System.Globalization.CultureInfo.InvariantCulture));
        Assert.True((await browser.SubmitFormAsync(page, "#push-form")).IsExternalRedirect);

        var profile = await browser.GetAsync("/profile");
        Assert.Contains("Work phone", profile.Text("#factors"));
        var renamed = await browser.SubmitFormAsync(profile, $"#rename-{device.CredentialId}", new() { ["name"] = "Old phone" });
        Assert.Contains("Old phone", renamed.Text("#factors"));

        var phoneSaved = await browser.SubmitFormAsync(renamed, "#phone-form", new() { ["phoneNumber"] = "+31 6 1234 5678" });
        Assert.Equal("+31612345678", await idp.WithDbAsync(db => db.Users.Where(u => u.Id == user.Id).Select(u => u.PhoneNumber).SingleAsync()));

        await browser.SubmitFormAsync(phoneSaved, $"#remove-{device.CredentialId}");
        Assert.False(await idp.WithDbAsync(db => db.PushCredentials.AnyAsync(c => c.SubjectId == user.Id)));
        var error = await Assert.ThrowsAsync<DeviceApiException>(() => client.PendingAsync(device));
        Assert.Equal(HttpStatusCode.NotFound, error.Status);
    }

    [Fact]
    public async Task SmsGateway_GetsTheCodeThroughTheTemplate_FromTheOutbox_AndAFailureIsRetried()
    {
        var received = new System.Collections.Concurrent.ConcurrentQueue<(string ContentType, string Body, string? Authorization)>();
        var fail = false;
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        await using var gateway = builder.Build();
        gateway.MapPost("/send", async (HttpContext http) =>
        {
            using var reader = new StreamReader(http.Request.Body);
            var text = await reader.ReadToEndAsync();
            received.Enqueue((http.Request.ContentType ?? "", text, http.Request.Headers.Authorization.ToString()));
            return fail ? Results.StatusCode(500) : Results.Accepted();
        });
        await gateway.StartAsync();
        var url = gateway.Urls.Single() + "/send";

        await using var idp = new IdpFactory()
            .WithSetting("Idp:Sms:Gateway:Url", url)
            .WithSetting("Idp:Sms:Gateway:BodyTemplate", "{\"recipient\":\"{to}\",\"message\":\"{text}\"}")
            .WithSetting("Idp:Sms:Gateway:Authorization", "Bearer gateway-key");
        var user = await PushDevice.CreateUserWithPhoneAsync(idp, "+4915199999999");
        var client = PushDevice.Client(idp);
        using var key = DeviceClient.NewKey();
        var started = await client.RegisterAsync(user.AccountNumber, TestUsers.Password, key, "phone");

        // Written to the outbox with the registration; the dispatcher hands it to the gateway.
        await EventuallyAsync(() => Task.FromResult(!received.IsEmpty));
        var (contentType, body, authorization) = Assert.Single(received);
        Assert.StartsWith("application/json", contentType);
        Assert.Equal("Bearer gateway-key", authorization);
        using var json = JsonDocument.Parse(body);
        Assert.Equal("+4915199999999", json.RootElement.GetProperty("recipient").GetString());
        var code = System.Text.RegularExpressions.Regex.Match(json.RootElement.GetProperty("message").GetString()!, @"\b\d{8}\b").Value;
        await EventuallyAsync(async () => (await idp.LatestOutboxMessageAsync(user.PhoneNumber!, OutboxChannel.Sms))?.SentAt is not null);
        Assert.NotNull(await client.ConfirmAsync(started.RegistrationId, code));

        // The gateway fails: the registration still answers at once; the outbox keeps the SMS and tries again.
        fail = true;
        var again = await client.RegisterAsync(user.AccountNumber, TestUsers.Password, key, "phone");
        Assert.NotNull(again.RegistrationId);
        await EventuallyAsync(async () => (await idp.LatestOutboxMessageAsync(user.PhoneNumber!, OutboxChannel.Sms))?.LastError is not null);
        var waiting = (await idp.LatestOutboxMessageAsync(user.PhoneNumber!, OutboxChannel.Sms))!;
        Assert.Null(waiting.SentAt);
        Assert.Contains("500", waiting.LastError);

        fail = false;
        // The clock moves on until the retry is sent: moved once, it could move while the dispatcher was still
        // finishing its round, and its next wait would then start after the jump.
        await EventuallyAsync(async () =>
        {
            idp.Clock.Advance(TimeSpan.FromMinutes(2));
            return (await idp.LatestOutboxMessageAsync(user.PhoneNumber!, OutboxChannel.Sms))?.SentAt is not null;
        });
        Assert.Equal(3, received.Count);
        Assert.DoesNotContain(idp.Logs.Entries, e => e.Message.Contains(code));
    }

    private static async Task EventuallyAsync(Func<Task<bool>> condition)
    {
        for (var i = 0; i < 300 && !await condition(); i++)
            await Task.Delay(50);
        Assert.True(await condition());
    }
}
