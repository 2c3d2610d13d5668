using Microsoft.AspNetCore.Mvc.Filters;

namespace Idp.Pages.Infrastructure;

/// <summary>Sign-in pages carry personal data and one-time state: no cache may keep them.</summary>
public sealed class NoStoreFilter : IAsyncPageFilter
{
    public Task OnPageHandlerSelectionAsync(PageHandlerSelectedContext context) => Task.CompletedTask;

    public Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        var headers = context.HttpContext.Response.Headers;
        headers.CacheControl = "no-cache, no-store"; // antiforgery demands no-cache too
        headers.Pragma = "no-cache";
        return next();
    }
}
