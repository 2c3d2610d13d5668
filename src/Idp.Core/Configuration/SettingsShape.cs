using System.Collections;
using System.ComponentModel;
using System.Reflection;
using Microsoft.Extensions.Configuration;

namespace Idp.Configuration;

/// <summary>
/// What the configuration binder makes of a type: a single value, a list (children numbered 0, 1, …), a dictionary
/// (children named freely) or an object (children named by its bindable properties). Shared by the unknown-key check
/// and the nested validation, so both see the settings exactly as the binder does.
/// </summary>
public abstract record SettingsShape
{
    public sealed record Value(Type Type) : SettingsShape;
    public sealed record List(Type ItemType) : SettingsShape;
    public sealed record Dictionary(Type ValueType) : SettingsShape;
    public sealed record Object(Type Type) : SettingsShape;

    public static SettingsShape Of(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (IsValue(type))
            return new Value(type);
        if (type.IsArray)
            return new List(type.GetElementType()!);
        if (GenericArguments(type, typeof(IDictionary<,>)) is [var key, var value] && (key == typeof(string) || key.IsEnum))
            return new Dictionary(value);
        if (GenericArguments(type, typeof(IEnumerable<>)) is [var item])
            return new List(item);
        return new Object(type);
    }

    /// <summary>The properties the binder sets: public, with a public setter, or read-only holding an object or collection it fills.</summary>
    public static IReadOnlyList<SettingsProperty> PropertiesOf(Type type) =>
        [.. type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetIndexParameters().Length == 0 && p.GetMethod is { IsPublic: true })
            .Where(p => p.SetMethod is { IsPublic: true } || IsFillable(p.PropertyType))
            .Select(p => new SettingsProperty(p, p.GetCustomAttribute<ConfigurationKeyNameAttribute>()?.Name ?? p.Name))];

    private static bool IsFillable(Type type) =>
        !IsValue(type) && !type.IsInterface && !type.IsArray && !type.IsValueType;

    private static bool IsValue(Type type) =>
        type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal) || type == typeof(object)
        || type == typeof(Uri) || type == typeof(Version) || type == typeof(Guid)
        || type == typeof(TimeSpan) || type == typeof(DateTime) || type == typeof(DateTimeOffset) || type == typeof(DateOnly) || type == typeof(TimeOnly)
        || type.Namespace?.StartsWith("System", StringComparison.Ordinal) == true && !typeof(IEnumerable).IsAssignableFrom(type)
           && TypeDescriptor.GetConverter(type).CanConvertFrom(typeof(string));

    private static Type[]? GenericArguments(Type type, Type openInterface)
    {
        if (type.IsGenericType && type.GetGenericTypeDefinition() == openInterface)
            return type.GetGenericArguments();
        return type.GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == openInterface)?.GetGenericArguments();
    }
}

/// <summary>A bindable property and the configuration key it is bound from (<see cref="ConfigurationKeyNameAttribute"/> or its name).</summary>
public sealed record SettingsProperty(PropertyInfo Property, string Key);
