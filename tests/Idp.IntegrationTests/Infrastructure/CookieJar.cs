using System.Globalization;

namespace Idp.IntegrationTests.Infrastructure;

/// <summary>
/// A small browser cookie store (RFC 6265 subset: Domain, Path, Expires, Max-Age, Secure). Two things differ from
/// <see cref="System.Net.CookieContainer"/>, on purpose: expiry is judged by the test's clock (the fake clock of the
/// application, so moving it expires cookies the way the server meant), and <c>http://localhost</c> counts as a
/// secure context, as it does in browsers, so <c>Secure</c> cookies set by the test server are sent back.
/// </summary>
public sealed class CookieJar(TimeProvider clock)
{
    private readonly Lock _lock = new();
    private readonly List<StoredCookie> _cookies = [];

    public sealed record StoredCookie(string Name, string Value, string Domain, bool HostOnly, string Path, DateTimeOffset? ExpiresAt, bool Secure, bool HttpOnly, string? SameSite);

    /// <summary>The cookies that are not expired.</summary>
    public IReadOnlyList<StoredCookie> All
    {
        get
        {
            var now = clock.GetUtcNow();
            lock (_lock)
                return _cookies.Where(c => c.ExpiresAt is null || c.ExpiresAt > now).ToList();
        }
    }

    /// <summary>The value of a cookie by name (any domain), or null.</summary>
    public string? this[string name] => All.FirstOrDefault(c => c.Name == name)?.Value;

    public void Clear()
    {
        lock (_lock)
            _cookies.Clear();
    }

    /// <summary>Forgets a cookie, as if the user deleted it.</summary>
    public void Remove(string name)
    {
        lock (_lock)
            _cookies.RemoveAll(c => c.Name == name);
    }

    /// <summary>Drops session cookies (no Expires/Max-Age), as closing the browser does.</summary>
    public void EndBrowserSession()
    {
        lock (_lock)
            _cookies.RemoveAll(c => c.ExpiresAt is null);
    }

    /// <summary>Stores the cookies of a response's <c>Set-Cookie</c> headers.</summary>
    public void Store(Uri requestUri, HttpResponseMessage response)
    {
        if (!response.Headers.TryGetValues("Set-Cookie", out var headers))
            return;
        foreach (var header in headers)
            Store(requestUri, header);
    }

    public void Store(Uri requestUri, string setCookie)
    {
        var parts = setCookie.Split(';');
        var pair = parts[0];
        var equals = pair.IndexOf('=');
        if (equals <= 0)
            return;
        var name = pair[..equals].Trim();
        var value = pair[(equals + 1)..].Trim();
        if (value.Length >= 2 && value[0] == '"' && value[^1] == '"')
            value = value[1..^1];

        var host = requestUri.Host.ToLowerInvariant();
        string domain = host;
        var hostOnly = true;
        var path = DefaultPath(requestUri);
        DateTimeOffset? expires = null;
        DateTimeOffset? maxAgeExpiry = null;
        bool secure = false, httpOnly = false;
        string? sameSite = null;
        var now = clock.GetUtcNow();

        foreach (var attribute in parts.Skip(1))
        {
            var at = attribute.IndexOf('=');
            var key = (at < 0 ? attribute : attribute[..at]).Trim().ToLowerInvariant();
            var argument = at < 0 ? "" : attribute[(at + 1)..].Trim();
            switch (key)
            {
                case "domain" when argument.Length > 0:
                    var d = argument.TrimStart('.').ToLowerInvariant();
                    if (host != d && !host.EndsWith("." + d, StringComparison.Ordinal))
                        return; // a server may not set cookies for another domain
                    domain = d;
                    hostOnly = false;
                    break;
                case "path" when argument.StartsWith('/'):
                    path = argument;
                    break;
                case "expires":
                    if (DateTimeOffset.TryParse(argument, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AllowWhiteSpaces, out var e))
                        expires = e;
                    break;
                case "max-age":
                    if (long.TryParse(argument, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var seconds))
                        maxAgeExpiry = seconds <= 0 ? DateTimeOffset.MinValue : now.AddSeconds(Math.Min(seconds, 400L * 24 * 3600));
                    break;
                case "secure":
                    secure = true;
                    break;
                case "httponly":
                    httpOnly = true;
                    break;
                case "samesite":
                    sameSite = argument;
                    break;
            }
        }

        if (secure && !IsSecureContext(requestUri))
            return;
        var expiresAt = maxAgeExpiry ?? expires;
        lock (_lock)
        {
            _cookies.RemoveAll(c => c.Name == name && c.Domain == domain && c.Path == path);
            if (expiresAt is null || expiresAt > now)
                _cookies.Add(new StoredCookie(name, value, domain, hostOnly, path, expiresAt, secure, httpOnly, sameSite));
        }
    }

    /// <summary>The <c>Cookie</c> header for a request to <paramref name="uri"/>, or null.</summary>
    public string? HeaderFor(Uri uri)
    {
        var host = uri.Host.ToLowerInvariant();
        var path = string.IsNullOrEmpty(uri.AbsolutePath) ? "/" : uri.AbsolutePath;
        var secureContext = IsSecureContext(uri);
        var matching = All
            .Where(c => c.HostOnly ? host == c.Domain : host == c.Domain || host.EndsWith("." + c.Domain, StringComparison.Ordinal))
            .Where(c => PathMatches(path, c.Path))
            .Where(c => !c.Secure || secureContext)
            .OrderByDescending(c => c.Path.Length)
            .Select(c => $"{c.Name}={c.Value}")
            .ToList();
        return matching.Count == 0 ? null : string.Join("; ", matching);
    }

    private static bool IsSecureContext(Uri uri) => uri.Scheme == Uri.UriSchemeHttps || uri.IsLoopback;

    private static string DefaultPath(Uri uri)
    {
        var path = uri.AbsolutePath;
        var last = path.LastIndexOf('/');
        return last <= 0 ? "/" : path[..last];
    }

    private static bool PathMatches(string requestPath, string cookiePath) =>
        requestPath == cookiePath
        || (requestPath.StartsWith(cookiePath, StringComparison.Ordinal)
            && (cookiePath.EndsWith('/') || requestPath[cookiePath.Length] == '/'));
}
