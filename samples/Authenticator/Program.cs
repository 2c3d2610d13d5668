using Authenticator;
using Microsoft.Extensions.Options;

// The companion authenticator: a PWA served as static files. The server keeps nothing about keys or accounts;
// the app stores them in the browser (IndexedDB, non-extractable WebCrypto keys) and talks to Idp directly.
var builder = WebApplication.CreateBuilder(args);
builder.Services.AddOptions<AuthenticatorOptions>()
    .Bind(builder.Configuration.GetSection(AuthenticatorOptions.Section))
    .Validate(o => AuthenticatorOptions.IsValidIdpUrl(o.IdpUrl), "Authenticator:IdpUrl must be an absolute https URL (http only on loopback), without path, query or trailing slash.")
    .ValidateOnStart();

var app = builder.Build();
var idpUrl = app.Services.GetRequiredService<IOptions<AuthenticatorOptions>>().Value.IdpUrl;

app.Use(async (context, next) =>
{
    var headers = context.Response.Headers;
    // Scripts, styles and the worker only from this origin; the API calls go to Idp only.
    headers.ContentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        + $"connect-src 'self' {idpUrl}; worker-src 'self'; manifest-src 'self'; object-src 'none'; base-uri 'none'; "
        + "form-action 'self'; frame-ancestors 'none'";
    headers.XContentTypeOptions = "nosniff";
    headers["Referrer-Policy"] = "no-referrer";
    headers.XFrameOptions = "DENY";
    // The camera only for this origin: scanning a QR code into the TOTP vault.
    headers["Permissions-Policy"] = "camera=(self), microphone=(), geolocation=()";
    await next();
});

// The service worker is looked at on every start (never served from the HTTP cache), so updates arrive.
app.UseDefaultFiles();
app.UseStaticFiles(new StaticFileOptions
{
    ContentTypeProvider = AuthenticatorContent.Types(),
    OnPrepareResponse = context =>
    {
        if (context.File.Name is "sw.js" or "index.html")
            context.Context.Response.Headers.CacheControl = "no-cache";
    },
});

// Where Idp is: read by the app at start (and cached with the shell for offline use).
app.MapGet("/config.json", (HttpContext context) =>
{
    context.Response.Headers.CacheControl = "no-cache";
    return Results.Json(new { idpUrl });
});

await app.RunAsync();

public partial class Program;
