using Idp.Configuration;
using Microsoft.Extensions.Options;

namespace Idp.Security;

/// <summary>
/// Security headers on every response. The Content-Security-Policy is only a default: a response that sets its
/// own (the protocol's form_post page must allow posting to the client's origin) keeps it, which is also why
/// <c>form-action</c> is not part of the default. Strict-Transport-Security only when the issuer is https: an http
/// issuer is loopback development, where it would pin localhost to https for every other app on it.
/// </summary>
public sealed class SecurityHeadersMiddleware(RequestDelegate next, IOptions<IdpOptions> options)
{
    public const string DefaultContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'self'; object-src 'none'";

    /// <summary>Powerful browser features off; WebAuthn (passkeys) stays allowed for our own origin.</summary>
    public const string PermissionsPolicy =
        "accelerometer=(), autoplay=(), camera=(), display-capture=(), fullscreen=(), geolocation=(), gyroscope=(), hid=(), "
        + "magnetometer=(), microphone=(), midi=(), payment=(), serial=(), usb=(), xr-spatial-tracking=(), "
        + "publickey-credentials-create=(self), publickey-credentials-get=(self)";

    /// <summary>One year, subdomains included (RFC 6797).</summary>
    public const string StrictTransportSecurity = "max-age=31536000; includeSubDomains";

    private readonly bool _sendHsts = options.Value.Issuer.StartsWith("https://", StringComparison.OrdinalIgnoreCase);

    public Task InvokeAsync(HttpContext context)
    {
        context.Response.OnStarting(static state =>
        {
            var (http, sendHsts) = ((HttpContext, bool))state;
            var headers = http.Response.Headers;
            if (!headers.ContainsKey("Content-Security-Policy"))
                headers.ContentSecurityPolicy = DefaultContentSecurityPolicy;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "no-referrer";
            headers["Cross-Origin-Opener-Policy"] = "same-origin";
            headers["Permissions-Policy"] = PermissionsPolicy;
            if (sendHsts)
                headers.StrictTransportSecurity = StrictTransportSecurity;
            return Task.CompletedTask;
        }, (context, _sendHsts));
        return next(context);
    }
}
