using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using AngleSharp.Html.Dom;
using AngleSharp.Html.Parser;

namespace Idp.IntegrationTests.Infrastructure;

/// <summary>A hop the browser followed: <paramref name="From"/> answered <paramref name="Status"/> with a Location of <paramref name="To"/>.</summary>
public sealed record Redirect(Uri From, HttpStatusCode Status, Uri To);

/// <summary>
/// One response as the browser saw it: status, headers, body (read once), the HTML document (parsed on first use),
/// and the redirects followed to reach it.
/// </summary>
public sealed class BrowserResponse
{
    private static readonly HtmlParser Parser = new();
    private IHtmlDocument? _document;

    internal BrowserResponse(Uri url, HttpResponseMessage message, string body, IReadOnlyList<Redirect> redirects)
    {
        Url = url;
        Message = message;
        Body = body;
        Redirects = redirects;
        if (message.Headers.Location is { } location)
            Location = location.IsAbsoluteUri ? location : new Uri(url, location);
    }

    /// <summary>The URL this response came from (after any redirects followed).</summary>
    public Uri Url { get; }

    public HttpResponseMessage Message { get; }
    public HttpStatusCode StatusCode => Message.StatusCode;
    public HttpResponseHeaders Headers => Message.Headers;
    public string? ContentType => Message.Content.Headers.ContentType?.MediaType;
    public string Body { get; }

    /// <summary>The redirects followed before this response, in order (empty when none were followed).</summary>
    public IReadOnlyList<Redirect> Redirects { get; }

    /// <summary>The absolute Location of a redirect response, or null.</summary>
    public Uri? Location { get; }

    public bool IsRedirect => Location is not null && (int)StatusCode is >= 300 and < 400;

    /// <summary>True when this is a redirect that leaves the Idp (to a client such as <c>https://client.example/cb</c>).</summary>
    public bool IsExternalRedirect => IsRedirect && !BrowserClient.IsIdpUrl(Location!);

    /// <summary>The query parameters of <see cref="Location"/> (empty when there is none).</summary>
    public IReadOnlyDictionary<string, string> LocationQuery => Location is null ? new Dictionary<string, string>() : QueryString.Parse(Location.Query);

    /// <summary>The fragment parameters of <see cref="Location"/> (<c>response_mode=fragment</c>).</summary>
    public IReadOnlyDictionary<string, string> LocationFragment => Location is null ? new Dictionary<string, string>() : QueryString.Parse(Location.Fragment);

    /// <summary>The body as HTML (AngleSharp); throws when the response is not HTML.</summary>
    public IHtmlDocument Document => _document ??= ContentType is "text/html" or null
        ? Parser.ParseDocument(Body)
        : throw new InvalidOperationException($"{Url} answered {(int)StatusCode} with {ContentType}, not HTML:\n{Truncate(Body)}");

    /// <summary>The body as JSON.</summary>
    public JsonElement Json() => JsonDocument.Parse(Body).RootElement.Clone();

    /// <summary>
    /// A <c>response_mode=form_post</c> answer: the page's auto-submitting form (or the form matching
    /// <paramref name="selector"/>): where it posts and what, without posting it.
    /// </summary>
    public FormSubmission FormPost(string selector = "form") => FormSubmission.From(this, selector);

    /// <summary>Throws with the status and a part of the body unless the status is <paramref name="expected"/>.</summary>
    public BrowserResponse EnsureStatus(HttpStatusCode expected)
    {
        if (StatusCode != expected)
            throw new InvalidOperationException($"{Url} answered {(int)StatusCode} {StatusCode}, expected {(int)expected} {expected}.{Describe()}");
        return this;
    }

    /// <summary>Throws unless the status is 2xx.</summary>
    public BrowserResponse EnsureSuccess()
    {
        if ((int)StatusCode is < 200 or > 299)
            throw new InvalidOperationException($"{Url} answered {(int)StatusCode} {StatusCode}.{Describe()}");
        return this;
    }

    public override string ToString() => $"{(int)StatusCode} {Url}{(Location is null ? "" : $" -> {Location}")}";

    private string Describe() =>
        (Location is null ? "" : $" Location: {Location}.") + (Body.Length == 0 ? "" : $"\n{Truncate(Body)}");

    private static string Truncate(string text) => text.Length <= 2000 ? text : text[..2000] + "…";
}

/// <summary>Parses <c>a=1&amp;b=2</c> (with or without a leading <c>?</c> or <c>#</c>), last value wins.</summary>
public static class QueryString
{
    public static IReadOnlyDictionary<string, string> Parse(string query)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var part in query.TrimStart('?', '#').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = part.IndexOf('=');
            var name = Uri.UnescapeDataString((equals < 0 ? part : part[..equals]).Replace('+', ' '));
            var value = equals < 0 ? "" : Uri.UnescapeDataString(part[(equals + 1)..].Replace('+', ' '));
            result[name] = value;
        }
        return result;
    }

    public static IReadOnlyDictionary<string, string> Of(Uri uri) => Parse(uri.Query);
}
