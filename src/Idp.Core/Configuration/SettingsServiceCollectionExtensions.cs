using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Idp.Configuration;

public static class SettingsServiceCollectionExtensions
{
    /// <summary>
    /// Binds <typeparamref name="TOptions"/> to <paramref name="section"/>, validates its data annotations all the way
    /// down (<see cref="NestedSettingsValidator{TOptions}"/>) at start-up and makes its keys known to the unknown-key
    /// check. Every section under <c>Idp</c> (or <c>IdpAdmin</c>) must be bound this way or start-up refuses its keys.
    /// </summary>
    public static OptionsBuilder<TOptions> AddSettings<TOptions>(this IServiceCollection services, string section) where TOptions : class
    {
        services.AddKnownSettings(section, typeof(TOptions));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TOptions>>(new NestedSettingsValidator<TOptions>(section)));
        return services.AddOptions<TOptions>().BindConfiguration(section).ValidateOnStart();
    }

    /// <summary>A setting read directly from configuration (<c>Idp:Jobs:Enabled</c>, a bool), or a section bound by other means.</summary>
    public static IServiceCollection AddKnownSettings(this IServiceCollection services, string path, Type type)
    {
        services.AddSingleton(new KnownSettings(path, type));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SettingsKeys>, UnknownSettingsValidator>());
        services.AddOptions<SettingsKeys>().ValidateOnStart();
        return services;
    }

    /// <summary>
    /// Validates every setting now (before migrations or any other start-up work): unknown keys and unconvertible
    /// values first, since binding such a value would throw before the other checks run, then every options type
    /// validated on start. Throws <see cref="OptionsValidationException"/> (or an <see cref="AggregateException"/> of them).
    /// </summary>
    public static void ValidateSettings(this IServiceProvider services)
    {
        _ = services.GetRequiredService<IOptionsMonitor<SettingsKeys>>().CurrentValue;
        services.GetService<IStartupValidator>()?.Validate();
    }
}

/// <summary>Prints a refused configuration as one line per failure, without a stack trace, for a non-zero exit.</summary>
public static class SettingsFailure
{
    public const int ExitCode = 1;

    /// <summary>The failures of <paramref name="exception"/> if it is (only) refused settings, else null.</summary>
    public static IReadOnlyList<string>? Failures(Exception exception) => exception switch
    {
        OptionsValidationException invalid => invalid.Failures.ToList(),
        AggregateException aggregate when aggregate.InnerExceptions.All(e => e is OptionsValidationException) =>
            aggregate.InnerExceptions.Cast<OptionsValidationException>().SelectMany(e => e.Failures).ToList(),
        _ => null,
    };

    /// <summary>Writes the failures to standard error and returns the exit code.</summary>
    public static int Report(IReadOnlyList<string> failures, TextWriter? error = null)
    {
        error ??= Console.Error;
        foreach (var failure in failures.Distinct())
            error.WriteLine(failure);
        return ExitCode;
    }
}
