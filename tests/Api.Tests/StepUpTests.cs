using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Idp.Testing;

namespace Api.Tests;

/// <summary>RFC 9470 §3: the bank-details endpoints demand acr ≥ urn:idp:acr:mfa and auth_time within 300 s.</summary>
public sealed class StepUpTests : IDisposable
{
    private readonly TestAuthority idp = new();
    private readonly FakeTimeProvider clock = new(new DateTimeOffset(2026, 11, 22, 10, 0, 0, TimeSpan.Zero));
    private readonly ApiFactory api;
    private readonly HttpClient client;

    public StepUpTests()
    {
        api = new ApiFactory(idp, clock);
        client = api.CreateClient();
    }

    public void Dispose()
    {
        client.Dispose();
        api.Dispose();
    }

    private DateTimeOffset Now => clock.GetUtcNow();

    [Fact]
    public async Task BankDetails_SecondFactorRecently_ReturnsDetails()
    {
        var response = await Send(HttpMethod.Get, idp.AccessToken(Now));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("iban", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task BankDetails_PhishingResistantLevel_SatisfiesSecondFactorDemand()
    {
        var response = await Send(HttpMethod.Get, idp.AccessToken(Now, claims => claims["acr"] = "urn:idp:acr:phr"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task BankDetails_PasswordLevel_AsksForSecondFactorLevel()
    {
        var response = await Send(HttpMethod.Get, idp.AccessToken(Now, claims => claims["acr"] = "urn:idp:acr:pwd"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(
            "Bearer error=\"insufficient_user_authentication\", error_description=\"A different authentication level is required\", acr_values=\"urn:idp:acr:mfa\"",
            WwwAuthenticate(response));
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task BankDetails_UnknownAcr_AsksForSecondFactorLevel()
    {
        var response = await Send(HttpMethod.Get, idp.AccessToken(Now, claims => claims["acr"] = "urn:other:loa:4"));

        Assert.Contains("acr_values=\"urn:idp:acr:mfa\"", WwwAuthenticate(response));
    }

    [Fact]
    public async Task BankDetails_AuthenticatedSixMinutesAgo_AsksForMaxAge()
    {
        var response = await Send(HttpMethod.Get, idp.AccessToken(Now, claims => claims["auth_time"] = Now.AddSeconds(-301).ToUnixTimeSeconds()));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(
            "Bearer error=\"insufficient_user_authentication\", error_description=\"More recent authentication is required\", max_age=\"300\"",
            WwwAuthenticate(response));
    }

    [Fact]
    public async Task BankDetails_AuthenticatedExactlyMaxAgeAgo_IsAccepted()
    {
        var response = await Send(HttpMethod.Get, idp.AccessToken(Now, claims => claims["auth_time"] = Now.AddSeconds(-300).ToUnixTimeSeconds()));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task BankDetails_NoAuthTime_AsksForMaxAge()
    {
        var response = await Send(HttpMethod.Get, idp.AccessToken(Now, claims => claims.Remove("auth_time")));

        Assert.Contains("max_age=\"300\"", WwwAuthenticate(response));
    }

    [Fact]
    public async Task BankDetails_PasswordLevelAndStale_AsksForBoth()
    {
        var token = idp.AccessToken(Now, claims =>
        {
            claims["acr"] = "urn:idp:acr:pwd";
            claims["auth_time"] = Now.AddHours(-1).ToUnixTimeSeconds();
        });

        var response = await Send(HttpMethod.Get, token);

        Assert.Equal(
            "Bearer error=\"insufficient_user_authentication\", error_description=\"A different authentication level and more recent authentication are required\", acr_values=\"urn:idp:acr:mfa\", max_age=\"300\"",
            WwwAuthenticate(response));
    }

    [Fact]
    public async Task BankDetails_TokenAgesPastMaxAge_IsRefusedLater()
    {
        var token = idp.AccessToken(Now);
        Assert.Equal(HttpStatusCode.OK, (await Send(HttpMethod.Get, token)).StatusCode);

        clock.Advance(TimeSpan.FromMinutes(5));

        Assert.Contains("max_age=\"300\"", WwwAuthenticate(await Send(HttpMethod.Get, token)));
    }

    [Fact]
    public async Task BankDetails_InvalidToken_IsInvalidTokenNotStepUp()
    {
        var token = idp.AccessToken(Now, claims => claims["aud"] = "https://other-api.example");

        var response = await Send(HttpMethod.Get, token);

        Assert.StartsWith("Bearer error=\"invalid_token\"", WwwAuthenticate(response));
    }

    [Fact]
    public async Task PutBankDetails_PasswordLevel_IsRefusedBeforeAnythingIsStored()
    {
        var weak = idp.AccessToken(Now, claims => claims["acr"] = "urn:idp:acr:pwd");

        var put = await Send(HttpMethod.Put, weak, new { accountHolder = "Mallory", iban = "GB82 WEST 1234 5698 7654 32" });
        var get = await (await Send(HttpMethod.Get, idp.AccessToken(Now))).Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.Unauthorized, put.StatusCode);
        Assert.Contains("acr_values=\"urn:idp:acr:mfa\"", WwwAuthenticate(put));
        Assert.DoesNotContain("Mallory", get);
    }

    [Fact]
    public async Task PutBankDetails_ValidIban_IsStoredForThatUser()
    {
        var put = await Send(HttpMethod.Put, idp.AccessToken(Now), new { accountHolder = "Erika Mustermann", iban = "gb82 west 1234 5698 7654 32" });
        var mine = await (await Send(HttpMethod.Get, idp.AccessToken(Now))).Content.ReadAsStringAsync();
        var others = await (await Send(HttpMethod.Get, idp.AccessToken(Now, claims => claims["sub"] = "10000002"))).Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.Contains("GB82WEST12345698765432", mine);
        Assert.DoesNotContain("GB82WEST12345698765432", others);
    }

    [Fact]
    public async Task PutBankDetails_WrongCheckDigits_IsValidationProblem()
    {
        var put = await Send(HttpMethod.Put, idp.AccessToken(Now), new { accountHolder = "Erika Mustermann", iban = "GB83 WEST 1234 5698 7654 32" });

        Assert.Equal(HttpStatusCode.BadRequest, put.StatusCode);
        Assert.Equal("application/problem+json", put.Content.Headers.ContentType?.MediaType);
        Assert.Contains("\"iban\"", await put.Content.ReadAsStringAsync());
    }

    private Task<HttpResponseMessage> Send(HttpMethod method, string token, object? body = null)
    {
        var request = new HttpRequestMessage(method, "/api/bank-details");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (body is not null)
            request.Content = JsonContent.Create(body);
        return client.SendAsync(request);
    }

    private static string WwwAuthenticate(HttpResponseMessage response) =>
        string.Join(", ", response.Headers.GetValues("WWW-Authenticate"));
}
