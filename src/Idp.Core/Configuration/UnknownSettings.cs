using System.ComponentModel;
using System.Globalization;
using Microsoft.Extensions.Options;

namespace Idp.Configuration;

/// <summary>A configuration section the application binds (<c>Idp:Push</c> to <c>PushOptions</c>), or a single setting.</summary>
public sealed record KnownSettings(string Path, Type Type);

/// <summary>The options type whose validation is the unknown-key check (it carries no values).</summary>
public sealed class SettingsKeys;

/// <summary>
/// Refuses keys under the application's own sections (the first segments of every <see cref="KnownSettings"/>: <c>Idp</c>,
/// <c>IdpAdmin</c>) that nothing binds, naming the nearest known key: a misspelt <c>Secret</c> would otherwise leave a
/// confidential client public. Also refuses values the binder cannot convert (an unknown enum name, a malformed
/// time span), with the setting's path. Other sections (Logging, Kestrel, ConnectionStrings …) are not looked at.
/// </summary>
public sealed class UnknownSettingsValidator(IConfiguration configuration, IEnumerable<KnownSettings> known) : IValidateOptions<SettingsKeys>
{
    public ValidateOptionsResult Validate(string? name, SettingsKeys options)
    {
        var failures = Check(configuration, known);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    public static IReadOnlyList<string> Check(IConfiguration configuration, IEnumerable<KnownSettings> known)
    {
        var registry = new Registry(known);
        var failures = new List<string>();
        foreach (var root in registry.Roots)
        {
            var section = configuration.GetSection(root);
            CheckSection(section, registry.TypeAt(root) is { } type ? SettingsShape.Of(type) : null, registry, failures);
        }
        return failures;
    }

    private static void CheckSection(IConfigurationSection section, SettingsShape? shape, Registry registry, List<string> failures)
    {
        if (shape is SettingsShape.Value value && section.Value is { Length: > 0 } text && ConversionFailure(section.Path, text, value.Type) is { } conversion)
            failures.Add(conversion);

        var registered = registry.ChildrenOf(section.Path);
        var properties = shape is SettingsShape.Object o ? SettingsShape.PropertiesOf(o.Type) : [];
        foreach (var child in section.GetChildren())
        {
            if (registered.Contains(child.Key))
            {
                CheckSection(child, registry.TypeAt(child.Path) is { } type ? SettingsShape.Of(type) : null, registry, failures);
                continue;
            }
            switch (shape)
            {
                case SettingsShape.Object:
                    var property = properties.FirstOrDefault(p => p.Key.Equals(child.Key, StringComparison.OrdinalIgnoreCase));
                    if (property is not null)
                        CheckSection(child, SettingsShape.Of(property.Property.PropertyType), registry, failures);
                    else
                        failures.Add(Unknown(child, properties.Select(p => p.Key).Concat(registered)));
                    break;
                case SettingsShape.List list:
                    if (int.TryParse(child.Key, NumberStyles.None, CultureInfo.InvariantCulture, out _))
                        CheckSection(child, SettingsShape.Of(list.ItemType), registry, failures);
                    else
                        failures.Add($"Unknown setting '{child.Path}'. '{section.Path}' is a list: did you mean '{section.Path}:0:{child.Key}'?");
                    break;
                case SettingsShape.Dictionary dictionary:
                    CheckSection(child, SettingsShape.Of(dictionary.ValueType), registry, failures);
                    break;
                default:
                    failures.Add(Unknown(child, registered));
                    break;
            }
        }
    }

    private static string Unknown(IConfigurationSection child, IEnumerable<string> siblings)
    {
        var parent = child.Path[..^child.Key.Length].TrimEnd(':');
        var nearest = Nearest(child.Key, siblings);
        return nearest is null
            ? $"Unknown setting '{child.Path}'."
            : $"Unknown setting '{child.Path}'. Did you mean '{(parent.Length > 0 ? parent + ":" : "")}{nearest}'?";
    }

    /// <summary>
    /// The known name closest to <paramref name="key"/>: among names the key contains or is contained in
    /// (<c>ClientSecret</c> → <c>Secret</c>) if there are any, else among all; by edit distance, ignoring case.
    /// </summary>
    public static string? Nearest(string key, IEnumerable<string> known)
    {
        var candidates = known.Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        var containing = candidates.Where(c => key.Contains(c, StringComparison.OrdinalIgnoreCase) || c.Contains(key, StringComparison.OrdinalIgnoreCase)).ToList();
        return (containing.Count > 0 ? containing : candidates)
            .OrderBy(c => EditDistance(key.ToUpperInvariant(), c.ToUpperInvariant()))
            .ThenBy(c => c, StringComparer.Ordinal)
            .FirstOrDefault();
    }

    /// <summary>Levenshtein distance: insertions, deletions and substitutions.</summary>
    public static int EditDistance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
            previous[j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }

    private static string? ConversionFailure(string path, string text, Type type)
    {
        if (type == typeof(string) || type == typeof(object))
            return null;
        if (type.IsEnum)
        {
            return Enum.TryParse(type, text, ignoreCase: true, out _)
                ? null
                : $"{path} must be one of {string.Join(", ", Enum.GetNames(type))} (was '{text}').";
        }
        try
        {
            TypeDescriptor.GetConverter(type).ConvertFromInvariantString(text);
            return null;
        }
        catch (Exception exception) when (exception is FormatException or NotSupportedException or ArgumentException or OverflowException
                                              || exception.InnerException is FormatException or OverflowException)
        {
            // Values of non-string settings are numbers, flags and durations, never secrets: safe to repeat.
            return $"{path} is not a valid {FriendlyName(type)} (was '{text}').";
        }
    }

    private static string FriendlyName(Type type) => type == typeof(TimeSpan) ? "duration (hh:mm:ss or d.hh:mm:ss)"
        : type == typeof(bool) ? "boolean (true or false)"
        : type == typeof(int) || type == typeof(long) ? "whole number"
        : type == typeof(double) || type == typeof(decimal) ? "number"
        : type == typeof(DateOnly) ? "date (yyyy-MM-dd)"
        : type.Name;

    private sealed class Registry
    {
        private readonly Dictionary<string, Type> _types = new(StringComparer.OrdinalIgnoreCase);
        private readonly HashSet<string> _paths = new(StringComparer.OrdinalIgnoreCase);

        public Registry(IEnumerable<KnownSettings> known)
        {
            foreach (var settings in known)
            {
                _types[settings.Path] = settings.Type;
                var segments = settings.Path.Split(':');
                for (var i = 1; i <= segments.Length; i++)
                    _paths.Add(string.Join(':', segments[..i]));
            }
            Roots = [.. _paths.Where(p => !p.Contains(':'))];
        }

        public IReadOnlyList<string> Roots { get; }

        public Type? TypeAt(string path) => _types.GetValueOrDefault(path);

        /// <summary>The next segments of registered paths strictly below <paramref name="path"/>.</summary>
        public HashSet<string> ChildrenOf(string path) =>
            new(_paths.Where(p => p.Length > path.Length + 1 && p.StartsWith(path + ":", StringComparison.OrdinalIgnoreCase) && p.IndexOf(':', path.Length + 1) < 0)
                .Select(p => p[(path.Length + 1)..]), StringComparer.OrdinalIgnoreCase);
    }
}
