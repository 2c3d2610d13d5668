using System.Text;
using System.Text.Encodings.Web;

namespace Idp.Protocol.Authorize;

/// <summary>
/// Authorization responses: to the client's redirect URI by query (RFC 6749 §4.1.2) or form post (OAuth 2.0
/// Form Post Response Mode), always with <c>iss</c> (RFC 9207); or an error page when no redirect is allowed.
/// </summary>
public static class AuthorizeResponses
{
    public static IResult Code(ErrorDestination destination, string code, string issuer) =>
        Send(destination, [(Parameters.Code, code), (Parameters.State, destination.State), (Parameters.Issuer, issuer)]);

    public static IResult Error(ErrorDestination destination, ProtocolError error, string issuer) =>
        Send(destination, [(Parameters.Error, error.Error), (Parameters.ErrorDescription, error.Description), (Parameters.State, destination.State), (Parameters.Issuer, issuer)]);

    public static IResult ErrorPage(ProtocolError error) => new ErrorPageResult(error);

    private static IResult Send(ErrorDestination destination, (string Name, string? Value)[] values)
    {
        var present = values.Where(v => v.Value is not null).Select(v => (v.Name, Value: v.Value!)).ToArray();
        return destination.ResponseMode == ResponseModes.FormPost
            ? new FormPostResult(destination.RedirectUri, present)
            : new RedirectResult(AppendQuery(destination.RedirectUri, present));
    }

    public static string AppendQuery(string uri, IEnumerable<(string Name, string Value)> values)
    {
        var builder = new StringBuilder(uri);
        var separator = uri.Contains('?') ? '&' : '?';
        foreach (var (name, value) in values)
        {
            builder.Append(separator).Append(name).Append('=').Append(Uri.EscapeDataString(value));
            separator = '&';
        }
        return builder.ToString();
    }

    private static void NoStore(HttpResponse response)
    {
        response.Headers.CacheControl = "no-store";
        response.Headers.Pragma = "no-cache";
    }

    private sealed class RedirectResult(string location) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            NoStore(httpContext.Response);
            httpContext.Response.StatusCode = StatusCodes.Status302Found;
            httpContext.Response.Headers.Location = location;
            return Task.CompletedTask;
        }
    }

    /// <summary>An HTML form that posts itself to the client; the script is a file of ours, so the CSP needs no inline script.</summary>
    private sealed class FormPostResult(string action, (string Name, string Value)[] values) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            var html = HtmlEncoder.Default;
            var body = new StringBuilder(1024);
            body.Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Continue</title>")
                .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"></head><body>")
                .Append("<form method=\"post\" id=\"form-post\" action=\"").Append(html.Encode(action)).Append("\">");
            foreach (var (name, value) in values)
                body.Append("<input type=\"hidden\" name=\"").Append(html.Encode(name)).Append("\" value=\"").Append(html.Encode(value)).Append("\">");
            body.Append("<noscript><p>JavaScript is off: press the button to continue.</p></noscript>")
                .Append("<button type=\"submit\">Continue</button></form>")
                .Append("<script src=\"/js/form-post.js\"></script></body></html>");
            var response = httpContext.Response;
            NoStore(response);
            response.StatusCode = StatusCodes.Status200OK;
            response.ContentType = "text/html; charset=utf-8";
            return response.WriteAsync(body.ToString(), httpContext.RequestAborted);
        }
    }

    private sealed class ErrorPageResult(ProtocolError error) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            var html = HtmlEncoder.Default;
            var response = httpContext.Response;
            NoStore(response);
            response.StatusCode = StatusCodes.Status400BadRequest;
            response.ContentType = "text/html; charset=utf-8";
            var page = $"""
                <!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Sign-in request rejected</title>
                <meta name="viewport" content="width=device-width, initial-scale=1"><link rel="stylesheet" href="/css/site.css"></head>
                <body><main class="card"><h1>The sign-in request cannot be processed</h1>
                <p>The application that sent you here made a request that Idp cannot accept, so you were not sent back to it.
                Please return to the application and try again, or contact its support.</p>
                <p><small>Error: <code>{html.Encode(error.Error)}</code>{(error.Description is null ? "" : " – " + html.Encode(error.Description))}</small></p>
                </main></body></html>
                """;
            return response.WriteAsync(page, httpContext.RequestAborted);
        }
    }
}
