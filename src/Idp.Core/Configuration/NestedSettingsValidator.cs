using System.Collections;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using Microsoft.Extensions.Options;

namespace Idp.Configuration;

/// <summary>
/// Data annotations (<c>[Range]</c>, <c>[Required]</c>, …) of an options object and of everything below it: nested
/// objects, list items (clients), dictionary values; <c>ValidateDataAnnotations</c> looks only at the top level. Each
/// failure is one line naming the setting: <c>Idp:Clients:1:TrustBrowserDays must be between 0 and 365 (was 400).</c>
/// </summary>
public sealed class NestedSettingsValidator<TOptions>(string section) : IValidateOptions<TOptions> where TOptions : class
{
    private const int MaxDepth = 16;

    public ValidateOptionsResult Validate(string? name, TOptions options)
    {
        var failures = new List<string>();
        ValidateObject(options, section, failures, depth: 0);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void ValidateObject(object instance, string path, List<string> failures, int depth)
    {
        if (depth > MaxDepth)
            return;
        foreach (var property in SettingsShape.PropertiesOf(instance.GetType()))
        {
            var value = property.Property.GetValue(instance);
            var at = $"{path}:{property.Key}";
            var context = new ValidationContext(instance) { MemberName = property.Property.Name, DisplayName = at };
            foreach (var attribute in property.Property.GetCustomAttributes(typeof(ValidationAttribute), inherit: true).Cast<ValidationAttribute>())
            {
                if (attribute.GetValidationResult(value, context) is { } result)
                    failures.Add(Describe(attribute, at, value, result));
            }
            ValidateValue(value, SettingsShape.Of(property.Property.PropertyType), at, failures, depth + 1);
        }
        if (instance is IValidatableObject validatable)
        {
            foreach (var result in validatable.Validate(new ValidationContext(instance)))
                failures.Add($"{path}: {result.ErrorMessage}");
        }
    }

    private static void ValidateValue(object? value, SettingsShape shape, string path, List<string> failures, int depth)
    {
        switch (shape, value)
        {
            case (SettingsShape.Object, { } nested):
                ValidateObject(nested, path, failures, depth);
                break;
            case (SettingsShape.Dictionary dictionary, IDictionary entries) when SettingsShape.Of(dictionary.ValueType) is not SettingsShape.Value:
                foreach (DictionaryEntry entry in entries)
                    ValidateValue(entry.Value, SettingsShape.Of(dictionary.ValueType), $"{path}:{entry.Key}", failures, depth + 1);
                break;
            case (SettingsShape.List list, IEnumerable items) when SettingsShape.Of(list.ItemType) is not SettingsShape.Value:
                var index = 0;
                foreach (var item in items)
                    ValidateValue(item, SettingsShape.Of(list.ItemType), $"{path}:{index++}", failures, depth + 1);
                break;
        }
    }

    private static string Describe(ValidationAttribute attribute, string path, object? value, ValidationResult result) => attribute switch
    {
        RangeAttribute range => $"{path} must be between {Text(range.Minimum)} and {Text(range.Maximum)} (was {Text(value)}).",
        RequiredAttribute => $"{path} is required.",
        // Lengths only: the value may be a secret.
        StringLengthAttribute length => $"{path} must be {LengthRule(length.MinimumLength, length.MaximumLength)} characters long (was {(value as string)?.Length ?? 0}).",
        MinLengthAttribute length => $"{path} must have at least {length.Length} entries or characters.",
        MaxLengthAttribute length => $"{path} must have at most {length.Length} entries or characters.",
        RegularExpressionAttribute => $"{path} has the wrong format.",
        _ => $"{path}: {result.ErrorMessage}",
    };

    private static string LengthRule(int minimum, int maximum) => minimum > 0 ? $"{minimum} to {maximum}" : $"at most {maximum}";

    private static string Text(object? value) => value switch
    {
        null => "empty",
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
