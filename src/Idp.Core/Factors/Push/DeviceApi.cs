using System.Text.Json;
using Microsoft.AspNetCore.Mvc;

namespace Idp.Factors.Push;

public sealed record RegistrationBody(string? Login, string? Password, string? PublicKey, string? DeviceName);

public sealed record ConfirmBody(string? Code);

public sealed record DecisionBody(string? CredentialId, string? Decision, int Number, string? Signature);

public sealed record ReportBody(string? CredentialId);

public sealed record SubscriptionKeys(string? P256dh, string? Auth);

public sealed record SubscriptionBody(string? Endpoint, SubscriptionKeys? Keys);

/// <summary>The companion authenticator's JSON API under <c>/api/authenticator/v1</c> (see API.md). Errors are problem details.</summary>
public static class DeviceApi
{
    public const string Prefix = "/api/authenticator/v1";
    public const string CorsPolicy = "push-device-api";

    public static IEndpointRouteBuilder MapPushDeviceApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup(Prefix).RequireCors(CorsPolicy).DisableAntiforgery();

        api.MapPost("/registrations", async (RegistrationBody? body, HttpContext http, PushDeviceRegistrations registrations, CancellationToken ct) =>
        {
            if (body is null)
                return Problem(PushProblem.InvalidRequest);
            var (started, problem) = await registrations.RegisterAsync(http, body.Login, body.Password, body.PublicKey, body.DeviceName, ct);
            return started is null
                ? Problem(problem)
                : Results.Json(new { started.RegistrationId, started.MaskedPhone, started.ExpiresAt }, statusCode: StatusCodes.Status201Created);
        });

        api.MapPost("/registrations/{registrationId}/confirm", async (string registrationId, ConfirmBody? body, HttpContext http, PushDeviceRegistrations registrations, CancellationToken ct) =>
        {
            var (confirmed, problem) = await registrations.ConfirmAsync(http, registrationId, body?.Code, ct);
            return confirmed is null ? Problem(problem) : Results.Ok(confirmed);
        });

        api.MapGet("/credentials/{credentialId}/requests", async (string credentialId, HttpContext http, PushDeviceCredentials credentials, PushApprovals approvals, CancellationToken ct) =>
        {
            var credential = await credentials.AuthenticateAsync(BearerToken(http), credentialId, ct);
            return credential is null ? NotFound() : Results.Ok(await approvals.PendingAsync(credential.SubjectId, ct));
        });

        api.MapGet("/credentials/{credentialId}/events", async (string credentialId, HttpContext http, PushDeviceCredentials credentials, PushEventStreams streams, CancellationToken ct) =>
        {
            var credential = await credentials.AuthenticateAsync(BearerToken(http), credentialId, ct);
            if (credential is null)
                return NotFound();
            await streams.DeviceStreamAsync(http, credential, ct);
            return Results.Empty;
        });

        api.MapPost("/requests/{requestId}/decision", async (string requestId, DecisionBody? body, HttpContext http, PushDeviceCredentials credentials, PushDecisions decisions, CancellationToken ct) =>
        {
            if (body?.CredentialId is not { } credentialId)
                return Problem(PushProblem.InvalidRequest);
            var credential = await credentials.AuthenticateAsync(BearerToken(http), credentialId, ct);
            if (credential is null)
                return NotFound();
            var problem = await decisions.DecideAsync(http, credential, requestId, body.Decision, body.Number, body.Signature, ct);
            return problem == PushProblem.None ? Results.NoContent() : Problem(problem);
        });

        api.MapPost("/requests/{requestId}/report", async (string requestId, ReportBody? body, HttpContext http, PushDeviceCredentials credentials, PushDecisions decisions, CancellationToken ct) =>
        {
            if (body?.CredentialId is not { } credentialId)
                return Problem(PushProblem.InvalidRequest);
            var credential = await credentials.AuthenticateAsync(BearerToken(http), credentialId, ct);
            if (credential is null)
                return NotFound();
            var problem = await decisions.ReportAsync(http, credential, requestId, ct);
            return problem == PushProblem.None ? Results.NoContent() : Problem(problem);
        });

        api.MapPut("/credentials/{credentialId}/push-subscription", async (string credentialId, SubscriptionBody? body, HttpContext http, PushDeviceCredentials credentials, CancellationToken ct) =>
        {
            var credential = await credentials.AuthenticateAsync(BearerToken(http), credentialId, ct);
            if (credential is null)
                return NotFound();
            if (body?.Endpoint is not { Length: <= 2000 } endpoint || !Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttps && !uri.IsLoopback
                || body.Keys?.P256dh is not { Length: > 0 and <= 200 } p256dh || body.Keys.Auth is not { Length: > 0 and <= 100 } auth)
                return Problem(PushProblem.InvalidRequest);
            await credentials.SetSubscriptionAsync(credential, new WebPushSubscription(endpoint, p256dh, auth), ct);
            return Results.NoContent();
        });

        api.MapDelete("/credentials/{credentialId}/push-subscription", async (string credentialId, HttpContext http, PushDeviceCredentials credentials, CancellationToken ct) =>
        {
            var credential = await credentials.AuthenticateAsync(BearerToken(http), credentialId, ct);
            if (credential is null)
                return NotFound();
            await credentials.SetSubscriptionAsync(credential, null, ct);
            return Results.NoContent();
        });

        api.MapDelete("/credentials/{credentialId}", async (string credentialId, HttpContext http, PushDeviceCredentials credentials, CancellationToken ct) =>
        {
            var credential = await credentials.AuthenticateAsync(BearerToken(http), credentialId, ct);
            if (credential is null)
                return NotFound();
            await credentials.RemoveCredentialAsync(http, credential.SubjectId, credential.Id, ct);
            return Results.NoContent();
        });

        return app;
    }

    private static string? BearerToken(HttpContext http)
    {
        var header = http.Request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header["Bearer ".Length..].Trim() : null;
    }

    private static IResult NotFound() => Problem(PushProblem.NotFound);

    public static IResult Problem(PushProblem problem)
    {
        var (status, code, title) = problem switch
        {
            PushProblem.AmbiguousLogin => (400, "ambiguous_login", "This password fits several accounts with this e-mail address: use the account number."),
            PushProblem.InvalidCredentials => (401, "invalid_credentials", "Login or password is wrong."),
            PushProblem.NoPhoneNumber => (409, "no_phone_number", "The account has no phone number for the confirmation code: add one in the profile."),
            PushProblem.TooManyRequests => (429, "too_many_requests", "Too many attempts: try again later."),
            PushProblem.InvalidCode => (400, "invalid_code", "The confirmation code is wrong."),
            PushProblem.Expired => (410, "expired", "Expired, used up or already done."),
            PushProblem.NotFound => (404, "not_found", "Not found for this account."),
            PushProblem.InvalidSignature => (400, "invalid_signature", "The signature does not verify with the device's key."),
            PushProblem.SmsUnavailable => (503, "sms_unavailable", "The confirmation code could not be sent by SMS: try again later."),
            PushProblem.WrongNumber => (400, "wrong_number", "The number does not match the one shown in the browser; the request has ended."),
            _ => (400, "invalid_request", "A field is missing or malformed."),
        };
        return Results.Problem(title: title, statusCode: status, type: "urn:idp:problem:" + code);
    }
}
