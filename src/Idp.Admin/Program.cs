using Idp.Configuration;

namespace Idp.Admin;

public partial class Program
{
    public static async Task<int> Main(string[] args)
    {
        try
        {
            var builder = WebApplication.CreateBuilder(args);
            builder.AddIdpAdmin();
            var app = builder.Build();
            app.Services.ValidateSettings();
            app.UseIdpAdmin();
            await app.RunAsync();
            return 0;
        }
        catch (Exception exception) when (SettingsFailure.Failures(exception) is { } failures)
        {
            // A refused setting is the operator's to fix: one line each, no stack trace.
            return SettingsFailure.Report(failures);
        }
    }
}
