using System.Diagnostics;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Idp.Pages;

/// <summary>
/// The friendly error page for browsers (unhandled exceptions and empty error status codes). It shows a
/// correlation id to quote to support, which is the trace id in the logs, never the exception.
/// </summary>
[IgnoreAntiforgeryToken]
public sealed class ErrorModel : PageModel
{
    [BindProperty(SupportsGet = true)]
    public int? Code { get; set; }

    public int ShownStatusCode { get; private set; }
    public string CorrelationId { get; private set; } = "";

    public void OnGet() => Describe();

    public void OnPost() => Describe();

    private void Describe()
    {
        var statusFeature = HttpContext.Features.Get<IStatusCodeReExecuteFeature>();
        var exceptionFeature = HttpContext.Features.Get<IExceptionHandlerFeature>();
        ShownStatusCode = exceptionFeature is not null ? 500 : statusFeature?.OriginalStatusCode ?? Code ?? 500;
        if (ShownStatusCode is < 400 or > 599)
            ShownStatusCode = 500;
        // A direct visit to /error?code=… must not turn into a real error status for anything but the page.
        if (statusFeature is null && exceptionFeature is null)
            Response.StatusCode = StatusCodes.Status200OK;
        CorrelationId = Activity.Current?.TraceId.ToString() ?? HttpContext.TraceIdentifier;
    }
}
