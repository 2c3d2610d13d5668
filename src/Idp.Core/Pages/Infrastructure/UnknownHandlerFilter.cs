using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;

namespace Idp.Pages.Infrastructure;

/// <summary>
/// A request that selects no handler of a page that has handlers (a POST to a page with only named POST handlers, an
/// unknown <c>?handler=</c>) would render the page with its model never loaded. It gets a 404 (unknown handler name)
/// or a 405 (no handler for the method) instead.
/// </summary>
public sealed class UnknownHandlerFilter : IPageFilter
{
    public void OnPageHandlerSelected(PageHandlerSelectedContext context)
    {
    }

    public void OnPageHandlerExecuting(PageHandlerExecutingContext context)
    {
        if (context.HandlerMethod is not null || context.ActionDescriptor.HandlerMethods.Count == 0)
            return;
        var named = context.HttpContext.Request.Query.ContainsKey("handler") || context.RouteData.Values.ContainsKey("handler");
        context.Result = new StatusCodeResult(named ? StatusCodes.Status404NotFound : StatusCodes.Status405MethodNotAllowed);
    }

    public void OnPageHandlerExecuted(PageHandlerExecutedContext context)
    {
    }
}
