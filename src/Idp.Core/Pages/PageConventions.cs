using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ModelBinding;

namespace Idp.Pages;

/// <summary>How Razor Pages are served in Idp and in the admin area alike.</summary>
public static class PageConventions
{
    /// <summary>
    /// jQuery-style keys (<c>a[b]</c>) are not used by any form here, and their value providers throw on a key with an
    /// unclosed bracket, which would turn such a form post into a 500.
    /// </summary>
    public static void RemoveJQueryValueProviders(MvcOptions mvc)
    {
        mvc.ValueProviderFactories.RemoveType<JQueryFormValueProviderFactory>();
        mvc.ValueProviderFactories.RemoveType<JQueryQueryStringValueProviderFactory>();
    }

    /// <summary>Pages answer GET, HEAD and POST; any other method is a 405 from routing.</summary>
    public static readonly string[] PageMethods = [HttpMethods.Get, HttpMethods.Head, HttpMethods.Post];
}
