using Idp.Resources;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.Mvc.Rendering;
using Microsoft.AspNetCore.Mvc.ViewFeatures;
using Microsoft.AspNetCore.Razor.TagHelpers;
using Microsoft.Extensions.Localization;

namespace Idp.Pages.Infrastructure;

/// <summary>
/// One form field the accessible way: a label tied to the input, an optional hint, the field's errors announced
/// through <c>aria-describedby</c> and <c>aria-invalid</c>, and the input's <c>autocomplete</c> token.
/// Passwords are never written back into the page.
/// <code>&lt;idp-field for="Input.Login" autocomplete="username" /&gt;</code>
/// </summary>
[HtmlTargetElement("idp-field", Attributes = "for", TagStructure = TagStructure.WithoutEndTag)]
public sealed class FieldTagHelper : TagHelper
{
    public ModelExpression For { get; set; } = default!;
    public string Type { get; set; } = "text";
    public string? Autocomplete { get; set; }
    public string? Inputmode { get; set; }
    public string? Hint { get; set; }
    public string? Label { get; set; }
    public bool Autofocus { get; set; }
    public bool Optional { get; set; }
    public int? Maxlength { get; set; }

    [ViewContext]
    [HtmlAttributeNotBound]
    public ViewContext ViewContext { get; set; } = default!;

    public override void Process(TagHelperContext context, TagHelperOutput output)
    {
        var name = For.Name;
        var id = TagBuilder.CreateSanitizedId(name, "_");
        var modelState = ViewContext.ViewData.ModelState;
        var errors = modelState.TryGetValue(name, out var entry)
            ? entry.Errors.Select(e => e.ErrorMessage).Where(m => m.Length > 0).Distinct().ToList()
            : [];
        var isCheckbox = Type == "checkbox";
        var labelText = Label ?? For.Metadata.DisplayName ?? name;

        output.TagName = "div";
        output.TagMode = TagMode.StartTagAndEndTag;
        output.Attributes.SetAttribute("class", (isCheckbox ? "field field--checkbox" : "field") + (errors.Count > 0 ? " field--error" : ""));

        var input = new TagBuilder("input") { TagRenderMode = TagRenderMode.SelfClosing };
        input.Attributes["type"] = Type;
        input.Attributes["id"] = id;
        input.Attributes["name"] = name;
        var label = new TagBuilder("label");
        label.Attributes["for"] = id;
        label.InnerHtml.Append(labelText);

        var describedBy = new List<string>();
        if (isCheckbox)
        {
            input.Attributes["value"] = "true";
            var checkedValue = entry?.AttemptedValue ?? For.Model?.ToString();
            if (string.Equals(checkedValue, "true", StringComparison.OrdinalIgnoreCase))
                input.Attributes["checked"] = "checked";
            output.Content.AppendHtml(input).AppendHtml(label);
            return;
        }

        output.Content.AppendHtml(label);
        if (!string.IsNullOrEmpty(Hint))
        {
            var hint = new TagBuilder("p");
            hint.Attributes["id"] = id + "-hint";
            hint.AddCssClass("field__hint");
            hint.InnerHtml.Append(Hint);
            output.Content.AppendHtml(hint);
            describedBy.Add(id + "-hint");
        }
        if (errors.Count > 0)
        {
            var error = new TagBuilder("p");
            error.Attributes["id"] = id + "-error";
            error.AddCssClass("field__error");
            var prefix = new TagBuilder("span");
            prefix.AddCssClass("visually-hidden");
            prefix.InnerHtml.Append(ErrorPrefix());
            error.InnerHtml.AppendHtml(prefix).Append(string.Join(" ", errors));
            output.Content.AppendHtml(error);
            describedBy.Add(id + "-error");
            input.Attributes["aria-invalid"] = "true";
        }

        if (Type != "password")
        {
            var value = entry?.AttemptedValue ?? For.Model?.ToString();
            if (!string.IsNullOrEmpty(value))
                input.Attributes["value"] = value;
        }
        if (Type is "email" or "password" || Autocomplete is "username" or "one-time-code")
        {
            // Addresses, account numbers and codes are not words: no auto-correction or capitalisation.
            input.Attributes["spellcheck"] = "false";
            input.Attributes["autocapitalize"] = "none";
            input.Attributes["autocorrect"] = "off";
        }
        if (Autocomplete is not null)
            input.Attributes["autocomplete"] = Autocomplete;
        if (Inputmode is not null)
            input.Attributes["inputmode"] = Inputmode;
        if (Maxlength is not null)
            input.Attributes["maxlength"] = Maxlength.Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (!Optional)
            input.Attributes["aria-required"] = "true";
        if (Autofocus || (errors.Count > 0 && IsFirstError(modelState, name)))
            input.Attributes["autofocus"] = "autofocus";
        if (describedBy.Count > 0)
            input.Attributes["aria-describedby"] = string.Join(' ', describedBy);
        output.Content.AppendHtml(input);
    }

    private static bool IsFirstError(ModelStateDictionary modelState, string name) =>
        modelState.FirstOrDefault(e => e.Value?.Errors.Count > 0).Key == name;

    private string ErrorPrefix() =>
        ViewContext.HttpContext.RequestServices.GetRequiredService<IStringLocalizer<SharedResource>>()["Error_Prefix"];
}
