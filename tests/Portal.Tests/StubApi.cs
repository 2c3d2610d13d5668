using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace Portal.Tests;

/// <summary>samples/Api as the portal's HTTP client sees it: answers what the test says and records what it was sent.</summary>
public sealed class StubApi : HttpMessageHandler
{
    public const string AccountJson = """{"accountHolder":"Erika Mustermann","iban":"DE89370400440532013000","updatedAt":null}""";

    public List<(HttpMethod Method, string Path, string? Authorization, string? Body)> Requests { get; } = [];

    public Func<HttpResponseMessage> Respond { get; set; } = () => Json(HttpStatusCode.OK, AccountJson);

    public static HttpResponseMessage Json(HttpStatusCode status, string json, string mediaType = "application/json") =>
        new(status) { Content = new StringContent(json, Encoding.UTF8, mediaType) };

    /// <summary>RFC 9470 §3's answer to a token whose acr or auth_time does not do.</summary>
    public static HttpResponseMessage InsufficientUserAuthentication(string parameters)
    {
        var response = Json(HttpStatusCode.Unauthorized, """{"status":401}""", "application/problem+json");
        response.Headers.TryAddWithoutValidation(
            "WWW-Authenticate", $"Bearer error=\"insufficient_user_authentication\", error_description=\"A different authentication level is required\", {parameters}");
        return response;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
        Requests.Add((request.Method, request.RequestUri!.AbsolutePath, request.Headers.Authorization?.ToString(), body));
        return Respond();
    }
}
