using System.Net;
using System.Net.Http.Headers;
using AngleSharp.Html.Dom;

namespace Idp.IntegrationTests.Infrastructure;

/// <summary>
/// A browser for integration tests: its own cookie jar (see <see cref="CookieJar"/>), redirects followed by itself
/// (only when asked, up to <see cref="MaxRedirects"/> hops, the chain recorded) and never into an external host:
/// a redirect to <c>https://client.example/cb</c> ends the navigation and is returned unfetched, so a test reads
/// the code from <see cref="BrowserResponse.LocationQuery"/>. HTML is parsed with AngleSharp; forms are submitted
/// with their hidden fields (antiforgery token). Several nodes of a cluster can be used in turn with
/// <see cref="UseNode"/>, keeping the cookies, as behind a load balancer.
/// </summary>
public sealed class BrowserClient : IDisposable
{
    /// <summary>The Idp's host in tests; every other host is external to the browser.</summary>
    public const string IdpHost = "localhost";

    private static readonly Uri IdpBase = new(IdpFactory.Issuer + "/");
    private HttpClient _http;

    public BrowserClient(IdpFactory node)
    {
        Node = node;
        Cookies = new CookieJar(node.Clock);
        _http = CreateHttpClient(node);
    }

    public IdpFactory Node { get; private set; }
    public CookieJar Cookies { get; }

    /// <summary>Hops followed before a navigation fails as a redirect loop.</summary>
    public int MaxRedirects { get; set; } = 20;

    /// <summary>Headers sent with every request (Accept-Language, User-Agent …).</summary>
    public Dictionary<string, string> DefaultHeaders { get; } = new(StringComparer.OrdinalIgnoreCase)
    {
        ["User-Agent"] = "Mozilla/5.0 (X11; Linux x86_64) Idp.IntegrationTests",
        ["Accept"] = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
        ["Accept-Language"] = "en",
    };

    /// <summary>The response of the last navigation (after the redirects it followed).</summary>
    public BrowserResponse LastResponse => _last ?? throw new InvalidOperationException("The browser has not loaded anything yet.");
    private BrowserResponse? _last;

    /// <summary>The HTML of the last response.</summary>
    public IHtmlDocument Document => LastResponse.Document;

    /// <summary>The URL of the last response.</summary>
    public Uri Url => LastResponse.Url;

    /// <summary>True for URLs of the Idp under test (<c>http://localhost</c>); everything else is an external host.</summary>
    public static bool IsIdpUrl(Uri url) => !url.IsAbsoluteUri || url.Host.Equals(IdpHost, StringComparison.OrdinalIgnoreCase);

    /// <summary>Sends the next requests to another node (same cookies): a load balancer switching nodes.</summary>
    public BrowserClient UseNode(IdpFactory node)
    {
        _http.Dispose();
        Node = node;
        _http = CreateHttpClient(node);
        return this;
    }

    /// <summary>GET <paramref name="url"/> (relative to the Idp, or absolute on it).</summary>
    public Task<BrowserResponse> GetAsync(string url, bool followRedirects = true) =>
        NavigateAsync(HttpMethod.Get, Resolve(url), content: null, origin: null, followRedirects);

    /// <summary>POST an <c>application/x-www-form-urlencoded</c> body to <paramref name="url"/>, as a page of the Idp would.</summary>
    public Task<BrowserResponse> PostFormAsync(string url, IEnumerable<KeyValuePair<string, string>> fields, bool followRedirects = true) =>
        NavigateAsync(HttpMethod.Post, Resolve(url), Encode(fields), origin: IdpBase, followRedirects);

    /// <summary>
    /// Submits the form matching <paramref name="formSelector"/> on <paramref name="page"/>, with its hidden fields and
    /// <paramref name="fields"/> overriding or adding values (null removes one). <paramref name="submitter"/> is the
    /// selector of the button pressed (default: the first submit button). Refuses forms that post to an external host:
    /// read those with <see cref="BrowserResponse.FormPost"/>.
    /// </summary>
    public Task<BrowserResponse> SubmitFormAsync(
        BrowserResponse page,
        string formSelector = "form",
        Dictionary<string, string?>? fields = null,
        string? submitter = null,
        bool followRedirects = true) =>
        SubmitAsync(FormSubmission.From(page, formSelector, fields, submitter), page.Url, followRedirects);

    /// <summary>Submits a form of the last page (see the other overload).</summary>
    public Task<BrowserResponse> SubmitFormAsync(
        string formSelector = "form",
        Dictionary<string, string?>? fields = null,
        string? submitter = null,
        bool followRedirects = true) =>
        SubmitFormAsync(LastResponse, formSelector, fields, submitter, followRedirects);

    /// <summary>Sends a prepared <see cref="FormSubmission"/> (built by <see cref="FormSubmission.From"/>).</summary>
    public Task<BrowserResponse> SubmitAsync(FormSubmission submission, Uri? fromPage = null, bool followRedirects = true)
    {
        if (submission.IsExternal)
        {
            throw new InvalidOperationException(
                $"The form posts to the external {submission.Action}; the test browser does not leave the Idp. Read it with FormPost() instead.");
        }
        if (submission.Method == HttpMethod.Get)
        {
            var builder = new UriBuilder(submission.Action) { Query = Encode(submission.Fields).ReadAsStringAsync().GetAwaiter().GetResult() };
            return NavigateAsync(HttpMethod.Get, builder.Uri, content: null, origin: null, followRedirects);
        }
        return NavigateAsync(HttpMethod.Post, submission.Action, Encode(submission.Fields), origin: fromPage ?? IdpBase, followRedirects);
    }

    /// <summary>
    /// Follows the redirect of the last response (when it was loaded with <c>followRedirects: false</c>), at most
    /// <paramref name="maxHops"/> hops; stops before an external host.
    /// </summary>
    public async Task<BrowserResponse> FollowAsync(int? maxHops = null)
    {
        var last = LastResponse;
        if (!last.IsRedirect)
            throw new InvalidOperationException($"The last response is not a redirect: {last}.");
        if (last.IsExternalRedirect)
            throw new InvalidOperationException($"The last response redirects to the external {last.Location}; the test browser does not go there.");
        var method = last.StatusCode is HttpStatusCode.TemporaryRedirect or HttpStatusCode.PermanentRedirect ? last.Message.RequestMessage?.Method ?? HttpMethod.Get : HttpMethod.Get;
        if (method != HttpMethod.Get)
            throw new InvalidOperationException("FollowAsync repeats only GET requests; load the POST with followRedirects: true to follow a 307/308.");
        var response = await NavigateCoreAsync(HttpMethod.Get, last.Location!, null, null, maxHops ?? MaxRedirects, [.. last.Redirects, new Redirect(last.Url, last.StatusCode, last.Location!)]);
        return response;
    }

    /// <summary>Sends any request (with the browser's cookies and headers); for anything the helpers above do not cover.</summary>
    public async Task<BrowserResponse> SendAsync(HttpRequestMessage request, bool followRedirects = false)
    {
        ArgumentNullException.ThrowIfNull(request.RequestUri);
        var uri = Resolve(request.RequestUri.ToString());
        if (!followRedirects)
        {
            request.RequestUri = uri;
            var single = await SendOnceAsync(request);
            return _last = single;
        }
        var body = request.Content is null ? null : await request.Content.ReadAsByteArrayAsync();
        var content = body is null ? null : new ByteArrayContent(body);
        if (content is not null && request.Content?.Headers.ContentType is { } type)
            content.Headers.ContentType = type;
        return await NavigateCoreAsync(request.Method, uri, content, null, MaxRedirects, []);
    }

    public void Dispose() => _http.Dispose();

    private Task<BrowserResponse> NavigateAsync(HttpMethod method, Uri url, HttpContent? content, Uri? origin, bool followRedirects) =>
        NavigateCoreAsync(method, url, content, origin, followRedirects ? MaxRedirects : 0, []);

    /// <param name="maxHops">Redirects to follow at most (0: none); more fails as a loop.</param>
    private async Task<BrowserResponse> NavigateCoreAsync(HttpMethod method, Uri url, HttpContent? content, Uri? origin, int maxHops, List<Redirect> chain)
    {
        var hops = 0;
        if (!IsIdpUrl(url))
            throw new InvalidOperationException($"The test browser does not fetch the external {url}.");
        var bodyBytes = content is null ? null : await content.ReadAsByteArrayAsync();
        var contentType = content?.Headers.ContentType;

        while (true)
        {
            using var request = new HttpRequestMessage(method, url);
            if (bodyBytes is not null)
            {
                request.Content = new ByteArrayContent(bodyBytes);
                request.Content.Headers.ContentType = contentType;
            }
            if (origin is not null && method != HttpMethod.Get && method != HttpMethod.Head)
                request.Headers.TryAddWithoutValidation("Origin", origin.GetLeftPart(UriPartial.Authority));

            var response = await SendOnceAsync(request, chain);
            if (!response.IsRedirect || response.IsExternalRedirect || maxHops == 0)
                return _last = response;
            if (hops >= maxHops)
            {
                _last = response;
                throw new InvalidOperationException(
                    $"More than {maxHops} redirects (a loop?):\n{string.Join("\n", chain.Select(r => $"{(int)r.Status} {r.From} -> {r.To}"))}\n{(int)response.StatusCode} {url} -> {response.Location}");
            }

            chain = [.. chain, new Redirect(url, response.StatusCode, response.Location!)];
            hops++;
            var keepsMethod = response.StatusCode is HttpStatusCode.TemporaryRedirect or HttpStatusCode.PermanentRedirect;
            if (!keepsMethod)
            {
                method = HttpMethod.Get;
                bodyBytes = null;
                origin = null;
            }
            url = response.Location!;
        }
    }

    private async Task<BrowserResponse> SendOnceAsync(HttpRequestMessage request, IReadOnlyList<Redirect>? chain = null)
    {
        var uri = request.RequestUri!;
        foreach (var (name, value) in DefaultHeaders)
        {
            if (!request.Headers.Contains(name))
                request.Headers.TryAddWithoutValidation(name, value);
        }
        request.Headers.Remove("Cookie");
        if (Cookies.HeaderFor(uri) is { } cookie)
            request.Headers.TryAddWithoutValidation("Cookie", cookie);

        var message = await _http.SendAsync(request);
        Cookies.Store(uri, message);
        var body = await message.Content.ReadAsStringAsync();
        return new BrowserResponse(uri, message, body, chain ?? []);
    }

    private static Uri Resolve(string url)
    {
        var uri = new Uri(url, UriKind.RelativeOrAbsolute);
        return uri.IsAbsoluteUri ? uri : new Uri(IdpBase, uri);
    }

    private static FormUrlEncodedContent Encode(IEnumerable<KeyValuePair<string, string>> fields) => new(fields);

    private static HttpClient CreateHttpClient(IdpFactory node) =>
        new(node.Server.CreateHandler()) { BaseAddress = IdpBase };
}

/// <summary>Helpers for reading protocol answers.</summary>
public static class BrowserResponseExtensions
{
    /// <summary>The query parameters of a URL.</summary>
    public static IReadOnlyDictionary<string, string> QueryParameters(this Uri url) => QueryString.Of(url);

    /// <summary>The value of one query parameter of the Location header, or null.</summary>
    public static string? LocationParameter(this BrowserResponse response, string name) =>
        response.LocationQuery.TryGetValue(name, out var value) ? value : null;

    /// <summary>The text of the first element matching <paramref name="selector"/>, trimmed, or null.</summary>
    public static string? Text(this BrowserResponse response, string selector) =>
        response.Document.QuerySelector(selector)?.TextContent.Trim();

    public static MediaTypeHeaderValue? MediaType(this BrowserResponse response) => response.Message.Content.Headers.ContentType;
}
