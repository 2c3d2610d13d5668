namespace Idp.Security;

/// <summary>
/// Security headers on every response. The Content-Security-Policy is only a default: a response that sets its
/// own (the protocol's form_post page must allow posting to the client's origin) keeps it, which is also why
/// <c>form-action</c> is not part of the default.
/// </summary>
public sealed class SecurityHeadersMiddleware(RequestDelegate next)
{
    public const string DefaultContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'self'; object-src 'none'";

    public Task InvokeAsync(HttpContext context)
    {
        context.Response.OnStarting(static state =>
        {
            var headers = ((HttpContext)state).Response.Headers;
            if (!headers.ContainsKey("Content-Security-Policy"))
                headers.ContentSecurityPolicy = DefaultContentSecurityPolicy;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "no-referrer";
            headers["Cross-Origin-Opener-Policy"] = "same-origin";
            return Task.CompletedTask;
        }, context);
        return next(context);
    }
}
