using System.Net;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace Idp.IntegrationTests.Harness;

/// <summary>
/// Pages under <c>/_harness/</c> that exist only to test the test browser itself against the real pipeline
/// (cookies, antiforgery, redirects, form_post), before the Idp has pages of its own. Added with
/// <c>factory.WithServices(HarnessPages.Add)</c>.
/// </summary>
internal static class HarnessPages
{
    public static void Add(IServiceCollection services) => services.AddSingleton<IStartupFilter, Filter>();

    private sealed class Filter : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Map("/_harness", harness =>
            {
                harness.Map("/form", form => form.Run(FormAsync));
                harness.Map("/set-cookie", cookie => cookie.Run(context =>
                {
                    context.Response.Cookies.Append("harness", context.Request.Query["value"].ToString(), new CookieOptions
                    {
                        Secure = true,
                        HttpOnly = true,
                        SameSite = SameSiteMode.Lax,
                        Expires = context.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow().AddMinutes(10),
                    });
                    return context.Response.WriteAsync("set");
                }));
                harness.Map("/echo-cookie", echo => echo.Run(context => context.Response.WriteAsync(context.Request.Cookies["harness"] ?? "(none)")));
                harness.Map("/redirect", redirect => redirect.Run(context =>
                {
                    var hops = int.Parse(context.Request.Query["hops"].ToString(), System.Globalization.CultureInfo.InvariantCulture);
                    var to = context.Request.Query["to"].ToString();
                    var target = hops > 0 ? $"/_harness/redirect?hops={hops - 1}&to={Uri.EscapeDataString(to)}" : to;
                    context.Response.Redirect(target);
                    return Task.CompletedTask;
                }));
                harness.Map("/form-post", formPost => formPost.Run(context =>
                {
                    context.Response.ContentType = "text/html; charset=utf-8";
                    return context.Response.WriteAsync("""
                        <!DOCTYPE html><html><head><title>Submit</title></head>
                        <body onload="javascript:document.forms[0].submit()">
                        <form method="post" action="https://client.example/cb">
                        <input type="hidden" name="code" value="abc123" />
                        <input type="hidden" name="state" value="s&amp;1" />
                        <noscript><button type="submit">Continue</button></noscript>
                        </form></body></html>
                        """);
                }));
            });
            next(app);
        };

        private static async Task FormAsync(HttpContext context)
        {
            var antiforgery = context.RequestServices.GetRequiredService<IAntiforgery>();
            if (HttpMethods.IsPost(context.Request.Method))
            {
                if (!await antiforgery.IsRequestValidAsync(context))
                {
                    context.Response.StatusCode = StatusCodes.Status400BadRequest;
                    await context.Response.WriteAsync("antiforgery check failed");
                    return;
                }
                var form = await context.Request.ReadFormAsync();
                var query = string.Join("&", form.Where(f => f.Key != "__RequestVerificationToken")
                    .OrderBy(f => f.Key, StringComparer.Ordinal)
                    .Select(f => $"{f.Key}={WebUtility.UrlEncode(f.Value.ToString())}"));
                context.Response.Redirect("https://client.example/cb?" + query);
                return;
            }

            var tokens = antiforgery.GetAndStoreTokens(context);
            context.Response.ContentType = "text/html; charset=utf-8";
            await context.Response.WriteAsync($"""
                <!DOCTYPE html><html><body>
                <form id="signin" method="post" action="/_harness/form">
                  <input type="hidden" name="{tokens.FormFieldName}" value="{tokens.RequestToken}" />
                  <input type="text" name="user" value="preset" />
                  <input type="password" name="password" />
                  <input type="checkbox" name="remember" value="yes" />
                  <input type="checkbox" name="terms" value="ok" checked />
                  <select name="lang"><option value="de">Deutsch</option><option value="en" selected>English</option></select>
                  <input type="text" name="disabled" value="x" disabled />
                  <button type="submit" name="action" value="approve">Approve</button>
                  <button type="submit" name="action" value="deny">Deny</button>
                </form>
                </body></html>
                """);
        }
    }
}
