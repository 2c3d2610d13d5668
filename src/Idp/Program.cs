using Idp;
using Idp.Configuration;
using Idp.Operations;

NativeHeap.LimitArenas();
try
{
    var builder = WebApplication.CreateBuilder(args);
    builder.AddIdp();
    var app = builder.Build();

    if (args.Contains("migrate"))
    {
        await app.MigrateDatabaseAsync();
        return 0;
    }

    await app.InitializeIdpAsync();
    app.UseIdp();
    await app.RunAsync();
    return 0;
}
catch (Exception exception) when (SettingsFailure.Failures(exception) is { } failures)
{
    // A refused setting is the operator's to fix: one line each, no stack trace.
    return SettingsFailure.Report(failures);
}

public partial class Program;
