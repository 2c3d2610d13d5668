using System.Net;
using Authenticator.Cli;
using Idp.Data.Entities;
using Idp.Factors.Push;
using Idp.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Idp.IntegrationTests.Push;

/// <summary>Device registration through the API: the SMS code from the outbox, wrong, expired and reused codes, refusals.</summary>
public sealed class PushRegistrationTests : IAsyncLifetime
{
    private readonly IdpFactory _idp = new();

    public Task InitializeAsync()
    {
        _idp.Start();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _idp.DisposeAsync();

    [Fact]
    public async Task Register_WithSmsCode_StoresKeyAndHashedToken_AndSendsATestApproval()
    {
        var user = await PushDevice.CreateUserWithPhoneAsync(_idp, "+49 151 1234 5612");
        var client = PushDevice.Client(_idp);
        using var key = DeviceClient.NewKey();

        var started = await client.RegisterAsync(user.Email!, TestUsers.Password, key, "Pixel 9");
        Assert.Equal("+49 ••• ••• 12", started.MaskedPhone);
        Assert.Equal(_idp.Clock.GetUtcNow().AddMinutes(30), started.ExpiresAt);
        var sms = await _idp.LatestOutboxMessageAsync(user.PhoneNumber!, OutboxChannel.Sms);
        Assert.NotNull(sms);
        var code = await PushDevice.SmsCodeAsync(_idp, user.PhoneNumber!);
        Assert.Equal(8, code.Length);
        var stored = await _idp.WithDbAsync(db => db.PushRegistrations.AsNoTracking().SingleAsync(r => r.Id == started.RegistrationId));
        Assert.DoesNotContain(code, stored.CodeHash);

        var confirmed = await client.ConfirmAsync(started.RegistrationId, code);
        Assert.Equal(user.AccountNumber, confirmed.AccountNumber);
        Assert.Equal(IdpFactory.Issuer, confirmed.Issuer);
        var credential = await _idp.WithDbAsync(db => db.PushCredentials.AsNoTracking().SingleAsync(c => c.SubjectId == user.Id));
        Assert.Equal(confirmed.CredentialId, credential.Id);
        Assert.Equal("Pixel 9", credential.DeviceName);
        Assert.Equal(key.ExportSubjectPublicKeyInfo(), credential.PublicKey);
        Assert.NotEqual(confirmed.AccessToken, credential.AccessTokenHash);
        Assert.Equal(Idp.Security.Hashing.Sha256(confirmed.AccessToken), credential.AccessTokenHash);

        // The test approval: one choice, the right number; approving it works.
        using var account = DeviceAccount.From(confirmed, DeviceStore.ImportKey(DeviceStore.ExportKey(key)));
        var pending = Assert.Single(await client.PendingAsync(account));
        Assert.True(pending.IsTest);
        var number = Assert.Single(pending.NumberChoices);
        await client.DecideAsync(account, pending, approve: true, number);
        Assert.Empty(await client.PendingAsync(account));
        var state = await _idp.WithDbAsync(db => db.PushRequests.AsNoTracking().Where(r => r.Id == pending.RequestId).Select(r => r.State).SingleAsync());
        Assert.Equal(PushRequestState.Approved, state);
    }

    [Fact]
    public async Task Confirm_WrongCodes_CountAttempts_AndFiveUseItUp()
    {
        var user = await PushDevice.CreateUserWithPhoneAsync(_idp);
        var client = PushDevice.Client(_idp);
        using var key = DeviceClient.NewKey();
        var started = await client.RegisterAsync(user.AccountNumber, TestUsers.Password, key, "phone");
        var code = await PushDevice.SmsCodeAsync(_idp, user.PhoneNumber!);
        var wrong = code == "00000000" ? "11111111" : "00000000";

        for (var i = 0; i < 5; i++)
        {
            var error = await Assert.ThrowsAsync<DeviceApiException>(() => client.ConfirmAsync(started.RegistrationId, wrong));
            Assert.Equal((HttpStatusCode.BadRequest, "invalid_code"), (error.Status, error.Code));
        }
        // Used up: even the right code is refused now.
        var usedUp = await Assert.ThrowsAsync<DeviceApiException>(() => client.ConfirmAsync(started.RegistrationId, code));
        Assert.Equal((HttpStatusCode.Gone, "expired"), (usedUp.Status, usedUp.Code));
        Assert.False(await _idp.WithDbAsync(db => db.PushCredentials.AnyAsync(c => c.SubjectId == user.Id)));
        Assert.Equal(5, await _idp.WithDbAsync(db => db.AuditEvents.CountAsync(a => a.SubjectId == user.Id && a.Type == PushAuditEvents.RegistrationFailed)));
    }

    [Fact]
    public async Task Confirm_AfterThirtyMinutes_IsExpired()
    {
        var user = await PushDevice.CreateUserWithPhoneAsync(_idp);
        var client = PushDevice.Client(_idp);
        using var key = DeviceClient.NewKey();
        var started = await client.RegisterAsync(user.AccountNumber, TestUsers.Password, key, "phone");
        var code = await PushDevice.SmsCodeAsync(_idp, user.PhoneNumber!);

        _idp.Clock.Advance(TimeSpan.FromMinutes(30));
        var error = await Assert.ThrowsAsync<DeviceApiException>(() => client.ConfirmAsync(started.RegistrationId, code));
        Assert.Equal((HttpStatusCode.Gone, "expired"), (error.Status, error.Code));
    }

    [Fact]
    public async Task Confirm_ReusedCode_IsRefused()
    {
        var user = await PushDevice.CreateUserWithPhoneAsync(_idp);
        var client = PushDevice.Client(_idp);
        using var key = DeviceClient.NewKey();
        var started = await client.RegisterAsync(user.AccountNumber, TestUsers.Password, key, "phone");
        var code = await PushDevice.SmsCodeAsync(_idp, user.PhoneNumber!);
        await client.ConfirmAsync(started.RegistrationId, code);

        var error = await Assert.ThrowsAsync<DeviceApiException>(() => client.ConfirmAsync(started.RegistrationId, code));
        Assert.Equal((HttpStatusCode.Gone, "expired"), (error.Status, error.Code));
        Assert.Equal(1, await _idp.WithDbAsync(db => db.PushCredentials.CountAsync(c => c.SubjectId == user.Id)));
    }

    [Fact]
    public async Task Register_EmailOfSeveralAccounts_IsRefused_AccountNumberWorks()
    {
        var first = await PushDevice.CreateUserWithPhoneAsync(_idp, email: "shared@example.test");
        await PushDevice.CreateUserWithPhoneAsync(_idp, email: "shared@example.test");
        var client = PushDevice.Client(_idp);
        using var key = DeviceClient.NewKey();

        var error = await Assert.ThrowsAsync<DeviceApiException>(() => client.RegisterAsync("shared@example.test", TestUsers.Password, key, "phone"));
        Assert.Equal((HttpStatusCode.BadRequest, "ambiguous_login"), (error.Status, error.Code));
        Assert.Null(await _idp.LatestOutboxMessageAsync(first.PhoneNumber!, OutboxChannel.Sms));

        await client.RegisterAsync(first.AccountNumber, TestUsers.Password, key, "phone");
        Assert.NotNull(await _idp.LatestOutboxMessageAsync(first.PhoneNumber!, OutboxChannel.Sms));
    }

    [Fact]
    public async Task Register_WrongPassword_UnknownLogin_NoPhone_BadKey_AreRefused()
    {
        var user = await PushDevice.CreateUserWithPhoneAsync(_idp);
        var noPhone = await _idp.CreateUserAsync();
        var client = PushDevice.Client(_idp);
        using var key = DeviceClient.NewKey();

        var wrong = await Assert.ThrowsAsync<DeviceApiException>(() => client.RegisterAsync(user.AccountNumber, "not the password", key, "phone"));
        Assert.Equal((HttpStatusCode.Unauthorized, "invalid_credentials"), (wrong.Status, wrong.Code));
        var unknown = await Assert.ThrowsAsync<DeviceApiException>(() => client.RegisterAsync("nobody@example.test", TestUsers.Password, key, "phone"));
        Assert.Equal((HttpStatusCode.Unauthorized, "invalid_credentials"), (unknown.Status, unknown.Code));
        var phoneless = await Assert.ThrowsAsync<DeviceApiException>(() => client.RegisterAsync(noPhone.AccountNumber, TestUsers.Password, key, "phone"));
        Assert.Equal((HttpStatusCode.Conflict, "no_phone_number"), (phoneless.Status, phoneless.Code));
        Assert.Null(await _idp.LatestOutboxMessageAsync(user.PhoneNumber!, OutboxChannel.Sms));

        // A P-384 key, and garbage: invalid_request.
        using var http = _idp.CreateClient();
        using var p384 = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP384);
        foreach (var publicKey in new[] { Idp.Security.Hashing.Base64Url(p384.ExportSubjectPublicKeyInfo()), "bm90IGEga2V5", "" })
        {
            var response = await http.PostAsync("/api/authenticator/v1/registrations", System.Net.Http.Json.JsonContent.Create(new { login = user.AccountNumber, password = TestUsers.Password, publicKey, deviceName = "x" }));
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Contains("urn:idp:problem:invalid_request", await response.Content.ReadAsStringAsync());
        }
    }

    [Fact]
    public async Task Api_IsOpenToConfiguredOriginsOnly()
    {
        await using var idp = new IdpFactory().WithSetting("Idp:Push:AllowedOrigins:0", "http://localhost:5400");
        using var http = idp.CreateClient();
        foreach (var (origin, allowed) in new[] { ("http://localhost:5400", true), ("https://evil.example", false) })
        {
            using var preflight = new HttpRequestMessage(HttpMethod.Options, "/api/authenticator/v1/registrations");
            preflight.Headers.Add("Origin", origin);
            preflight.Headers.Add("Access-Control-Request-Method", "POST");
            preflight.Headers.Add("Access-Control-Request-Headers", "content-type");
            var response = await http.SendAsync(preflight);
            Assert.Equal(allowed, response.Headers.TryGetValues("Access-Control-Allow-Origin", out var values) && values.Single() == origin);
        }
    }
}
