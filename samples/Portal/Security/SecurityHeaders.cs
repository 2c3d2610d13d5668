namespace Portal.Security;

/// <summary>Security headers on every response: no inline script or style, no framing, no referrer (codes travel in URLs).</summary>
public static class SecurityHeaders
{
    /// <param name="idpOrigin">
    /// Idp's origin: the sign-out form's POST ends in a redirect to Idp, and form-action covers redirects after a form submission.
    /// </param>
    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app, string idpOrigin)
    {
        var contentSecurityPolicy =
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; object-src 'none'; " +
            $"base-uri 'none'; frame-ancestors 'none'; form-action 'self' {idpOrigin}";
        return app.Use(async (context, next) =>
        {
            var headers = context.Response.Headers;
            headers.ContentSecurityPolicy = contentSecurityPolicy;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "no-referrer";
            headers["Cross-Origin-Opener-Policy"] = "same-origin";
            await next(context);
        });
    }
}
