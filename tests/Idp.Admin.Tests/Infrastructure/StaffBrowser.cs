using AngleSharp.Html.Dom;
using Idp.IntegrationTests.Infrastructure;

namespace Idp.Admin.Tests.Infrastructure;

/// <summary>
/// A browser that visits both in-memory apps: the admin area (<see cref="AdminFactory.BaseUrl"/>) and Idp
/// (<c>http://localhost</c>), with one cookie jar, following redirects from one to the other as a real browser does.
/// </summary>
public sealed class StaffBrowser : IDisposable
{
    private readonly Dictionary<string, HttpClient> _hosts;
    private BrowserResponse? _last;

    public StaffBrowser(IdpFactory idp, AdminFactory admin)
    {
        Cookies = new CookieJar(idp.Clock);
        _hosts = new(StringComparer.OrdinalIgnoreCase)
        {
            ["localhost"] = new HttpClient(idp.Server.CreateHandler()),
            [AdminFactory.Host] = new HttpClient(admin.Server.CreateHandler()),
        };
    }

    public CookieJar Cookies { get; }
    public BrowserResponse LastResponse => _last ?? throw new InvalidOperationException("Nothing loaded yet.");
    public IHtmlDocument Document => LastResponse.Document;

    /// <summary>GET a URL; relative URLs are the admin area's.</summary>
    public Task<BrowserResponse> GetAsync(string url, bool followRedirects = true) =>
        NavigateAsync(HttpMethod.Get, Resolve(url), null, followRedirects);

    /// <summary>Submits a form of the last page (hidden fields, antiforgery token included) with <paramref name="fields"/> set.</summary>
    public Task<BrowserResponse> SubmitFormAsync(string formSelector, Dictionary<string, string?>? fields = null, string? submitter = null, bool followRedirects = true)
    {
        var submission = FormSubmission.From(LastResponse, formSelector, fields, submitter);
        if (submission.Method == HttpMethod.Get)
        {
            var builder = new UriBuilder(submission.Action) { Query = new FormUrlEncodedContent(submission.Fields).ReadAsStringAsync().Result };
            return NavigateAsync(HttpMethod.Get, builder.Uri, null, followRedirects);
        }
        return NavigateAsync(HttpMethod.Post, submission.Action, submission.Fields, followRedirects);
    }

    /// <summary>POST fields to a URL as-is (for forged or replayed requests).</summary>
    public Task<BrowserResponse> PostAsync(string url, IEnumerable<KeyValuePair<string, string>> fields, bool followRedirects = false) =>
        NavigateAsync(HttpMethod.Post, Resolve(url), fields.ToList(), followRedirects);

    private async Task<BrowserResponse> NavigateAsync(HttpMethod method, Uri url, IReadOnlyList<KeyValuePair<string, string>>? fields, bool followRedirects)
    {
        var chain = new List<Redirect>();
        for (var hop = 0; ; hop++)
        {
            if (!_hosts.TryGetValue(url.Host, out var http))
                throw new InvalidOperationException($"The test browser knows no server for {url}.");
            using var request = new HttpRequestMessage(method, url);
            if (fields is not null)
            {
                request.Content = new FormUrlEncodedContent(fields);
                request.Headers.TryAddWithoutValidation("Origin", url.GetLeftPart(UriPartial.Authority));
            }
            request.Headers.TryAddWithoutValidation("Accept", "text/html,application/xhtml+xml,*/*;q=0.8");
            request.Headers.TryAddWithoutValidation("Accept-Language", "en");
            request.Headers.TryAddWithoutValidation("User-Agent", "Mozilla/5.0 Idp.Admin.Tests");
            if (Cookies.HeaderFor(url) is { } cookie)
                request.Headers.TryAddWithoutValidation("Cookie", cookie);
            var message = await http.SendAsync(request);
            Cookies.Store(url, message);
            var response = new BrowserResponse(url, message, await message.Content.ReadAsStringAsync(), chain.ToList());
            _last = response;
            if (!followRedirects || !response.IsRedirect)
                return response;
            if (hop > 30)
                throw new InvalidOperationException("Redirect loop:\n" + string.Join("\n", chain.Take(4).Select(r => $"{r.From} -> {r.To}")));
            chain.Add(new Redirect(url, response.StatusCode, response.Location!));
            url = response.Location!;
            if (response.StatusCode is not (System.Net.HttpStatusCode.TemporaryRedirect or System.Net.HttpStatusCode.PermanentRedirect))
            {
                method = HttpMethod.Get;
                fields = null;
            }
        }
    }

    private static Uri Resolve(string url) => new(new Uri(AdminFactory.BaseUrl + "/"), url);

    public void Dispose()
    {
        foreach (var http in _hosts.Values)
            http.Dispose();
    }
}
