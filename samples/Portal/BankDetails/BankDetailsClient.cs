using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Mvc;
using Portal.Authentication;

namespace Portal.BankDetails;

/// <summary>Calls samples/Api's <c>/api/bank-details</c> with the user's access token (RFC 6750 §2.1) and reads its answers.</summary>
public sealed class BankDetailsClient(HttpClient http, ILogger<BankDetailsClient> logger)
{
    private const string Path = "api/bank-details";

    public Task<ApiResult<BankAccount>> GetAsync(string accessToken, CancellationToken cancellationToken) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Get, Path), accessToken, cancellationToken);

    public Task<ApiResult<BankAccount>> PutAsync(string accessToken, string accountHolder, string iban, CancellationToken cancellationToken) =>
        SendAsync(
            new HttpRequestMessage(HttpMethod.Put, Path) { Content = JsonContent.Create(new { accountHolder, iban }) },
            accessToken,
            cancellationToken);

    private async Task<ApiResult<BankAccount>> SendAsync(HttpRequestMessage request, string accessToken, CancellationToken cancellationToken)
    {
        using (request)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            try
            {
                using var response = await http.SendAsync(request, cancellationToken);
                return await ReadAsync(response, cancellationToken);
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException or NotSupportedException
                                              && !cancellationToken.IsCancellationRequested)
            {
                Log.ApiUnavailable(logger, http.BaseAddress?.ToString() ?? "(no base address)", exception.Message);
                return new ApiResult<BankAccount>(ApiOutcome.Unavailable);
            }
        }
    }

    private static async Task<ApiResult<BankAccount>> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        switch (response.StatusCode)
        {
            case HttpStatusCode.OK:
                var details = await response.Content.ReadFromJsonAsync<BankAccount>(cancellationToken);
                return details is null
                    ? new ApiResult<BankAccount>(ApiOutcome.Unavailable)
                    : new ApiResult<BankAccount>(ApiOutcome.Success, details);

            case HttpStatusCode.Unauthorized:
                var challenge = response.Headers.TryGetValues("WWW-Authenticate", out var values)
                    ? BearerChallengeParser.Parse(values)
                    : null;
                if (challenge is { IsInsufficientUserAuthentication: true } && !challenge.StepUp.IsEmpty)
                    return new ApiResult<BankAccount>(ApiOutcome.StepUpRequired, StepUp: challenge.StepUp, Error: challenge.ErrorDescription);
                return new ApiResult<BankAccount>(
                    ApiOutcome.TokenRefused,
                    Error: challenge?.Error is { } error ? $"{error}: {challenge.ErrorDescription}" : "no access token was accepted");

            case HttpStatusCode.BadRequest:
                var problem = await response.Content.ReadFromJsonAsync<ValidationProblemDetails>(cancellationToken);
                return new ApiResult<BankAccount>(ApiOutcome.Invalid, Error: problem?.Title, Errors: problem?.Errors.AsReadOnly());

            default:
                return new ApiResult<BankAccount>(ApiOutcome.Unavailable, Error: $"the API answered {(int)response.StatusCode}");
        }
    }
}
