using System.Text.Json;

namespace Idp.Protocol;

/// <summary>JSON responses of the back-channel endpoints, never cached (RFC 6749 §5.1).</summary>
public static class ProtocolResults
{
    public static IResult Json<T>(T value, int statusCode = StatusCodes.Status200OK) => new NoStoreJsonResult<T>(value, statusCode);

    /// <summary>An RFC 6749 §5.2 error.</summary>
    public static IResult Error(ProtocolError error, int statusCode = StatusCodes.Status400BadRequest) =>
        new NoStoreJsonResult<ErrorBody>(new ErrorBody(error.Error, error.Description), statusCode);

    /// <summary><c>invalid_client</c> is 401; with Basic authentication attempted, the challenge names the scheme.</summary>
    public static IResult InvalidClient(string description, bool basicAttempted) =>
        new NoStoreJsonResult<ErrorBody>(new ErrorBody(Errors.InvalidClient, description), StatusCodes.Status401Unauthorized,
            basicAttempted ? "Basic realm=\"idp\"" : null);

    public sealed record ErrorBody(
        [property: System.Text.Json.Serialization.JsonPropertyName("error")] string Error,
        [property: System.Text.Json.Serialization.JsonPropertyName("error_description")] string? ErrorDescription);

    private sealed class NoStoreJsonResult<T>(T value, int statusCode, string? challenge = null) : IResult
    {
        private static readonly JsonSerializerOptions Options = new() { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull };

        public Task ExecuteAsync(HttpContext httpContext)
        {
            var response = httpContext.Response;
            response.StatusCode = statusCode;
            response.Headers.CacheControl = "no-store";
            response.Headers.Pragma = "no-cache";
            if (challenge is not null)
                response.Headers.WWWAuthenticate = challenge;
            response.ContentType = "application/json; charset=utf-8";
            return JsonSerializer.SerializeAsync(response.Body, value, Options, httpContext.RequestAborted);
        }
    }
}
