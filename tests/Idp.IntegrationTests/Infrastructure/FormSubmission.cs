using AngleSharp.Dom;
using AngleSharp.Html.Dom;

namespace Idp.IntegrationTests.Infrastructure;

/// <summary>
/// What a browser would send when a form is submitted: method, absolute action and the fields in document order
/// (hidden fields such as the antiforgery token included; unchecked boxes and disabled fields left out; only the
/// button that submits). Build one with <see cref="From"/>; <see cref="BrowserClient.SubmitFormAsync"/> sends it.
/// </summary>
public sealed class FormSubmission
{
    private FormSubmission(HttpMethod method, Uri action, List<KeyValuePair<string, string>> fields)
    {
        Method = method;
        Action = action;
        Fields = fields;
    }

    public HttpMethod Method { get; }
    public Uri Action { get; }
    public IReadOnlyList<KeyValuePair<string, string>> Fields { get; }

    /// <summary>The first value of a field, or null.</summary>
    public string? this[string name] => Fields.FirstOrDefault(f => f.Key == name) is { Key: not null } f ? f.Value : null;

    /// <summary>The fields as a dictionary (last value wins).</summary>
    public IReadOnlyDictionary<string, string> FieldMap => Fields.GroupBy(f => f.Key).ToDictionary(g => g.Key, g => g.Last().Value);

    /// <summary>True when the form posts outside the Idp (for example a <c>form_post</c> response to a client).</summary>
    public bool IsExternal => !BrowserClient.IsIdpUrl(Action);

    /// <summary>
    /// The submission of the form matching <paramref name="formSelector"/> in <paramref name="page"/>.
    /// <paramref name="fields"/> override or add values (a null value removes the field).
    /// <paramref name="submitter"/> selects the button pressed (inside the form); without it the form's first
    /// submit button counts as pressed, as with the Enter key.
    /// </summary>
    public static FormSubmission From(
        BrowserResponse page,
        string formSelector = "form",
        IEnumerable<KeyValuePair<string, string?>>? fields = null,
        string? submitter = null)
    {
        var form = page.Document.QuerySelector(formSelector) as IHtmlFormElement
            ?? throw new InvalidOperationException($"No form matches '{formSelector}' on {page.Url}. Forms there: {DescribeForms(page)}");

        var values = new List<KeyValuePair<string, string>>();
        IElement? pressed = null;
        if (submitter is not null)
        {
            pressed = form.QuerySelector(submitter) ?? page.Document.QuerySelector(submitter)
                ?? throw new InvalidOperationException($"No submit button matches '{submitter}' in form '{formSelector}' on {page.Url}.");
        }
        else
        {
            pressed = form.Elements.FirstOrDefault(IsSubmitButton);
        }

        foreach (var element in form.Elements)
        {
            var name = element.GetAttribute("name");
            if (string.IsNullOrEmpty(name) || element.HasAttribute("disabled"))
                continue;
            switch (element)
            {
                case IHtmlInputElement input:
                    var type = (input.GetAttribute("type") ?? "text").ToLowerInvariant();
                    if (type is "submit" or "image" or "button" or "reset" or "file")
                    {
                        if (type is "submit" or "image" && ReferenceEquals(element, pressed))
                            values.Add(new(name, input.GetAttribute("value") ?? ""));
                        continue;
                    }
                    if (type is "checkbox" or "radio")
                    {
                        if (input.HasAttribute("checked"))
                            values.Add(new(name, input.GetAttribute("value") ?? "on"));
                        continue;
                    }
                    values.Add(new(name, input.GetAttribute("value") ?? ""));
                    break;
                case IHtmlButtonElement button:
                    if (ReferenceEquals(element, pressed))
                        values.Add(new(name, button.GetAttribute("value") ?? ""));
                    break;
                case IHtmlSelectElement select:
                    var options = select.Options.Where(o => o.HasAttribute("selected")).ToList();
                    if (options.Count == 0 && !select.IsMultiple && select.Options.Length > 0)
                        options.Add(select.Options[0]!);
                    foreach (var option in options)
                        values.Add(new(name, option.GetAttribute("value") ?? option.TextContent));
                    break;
                case IHtmlTextAreaElement textArea:
                    values.Add(new(name, textArea.TextContent));
                    break;
            }
        }

        if (fields is not null)
        {
            foreach (var (name, value) in fields)
            {
                var at = values.FindIndex(v => v.Key == name);
                values.RemoveAll(v => v.Key == name);
                if (value is null)
                    continue;
                values.Insert(at < 0 ? values.Count : at, new(name, value));
            }
        }

        var actionAttribute = (pressed?.GetAttribute("formaction") ?? form.GetAttribute("action"))?.Trim();
        var action = string.IsNullOrEmpty(actionAttribute) ? page.Url : new Uri(page.Url, actionAttribute);
        var methodAttribute = (pressed?.GetAttribute("formmethod") ?? form.GetAttribute("method") ?? "get").Trim().ToLowerInvariant();
        var method = methodAttribute == "post" ? HttpMethod.Post : HttpMethod.Get;
        return new FormSubmission(method, action, values);
    }

    public override string ToString() => $"{Method} {Action} [{string.Join(", ", Fields.Select(f => f.Key))}]";

    private static bool IsSubmitButton(IElement element) => element switch
    {
        IHtmlButtonElement button => (button.GetAttribute("type") ?? "submit").Equals("submit", StringComparison.OrdinalIgnoreCase),
        IHtmlInputElement input => (input.GetAttribute("type") ?? "").ToLowerInvariant() is "submit" or "image",
        _ => false,
    };

    private static string DescribeForms(BrowserResponse page)
    {
        var forms = page.Document.Forms.Select(f => $"<form id='{f.Id}' action='{f.GetAttribute("action")}'>").ToList();
        return forms.Count == 0 ? "none" : string.Join(", ", forms);
    }
}
