using System.Diagnostics;
using Idp.IntegrationTests.Infrastructure;

namespace Idp.IntegrationTests.Security;

/// <summary>
/// A refused configuration stops the real process: one line on standard error naming the setting, exit code 1, no
/// stack trace, and nothing done before (no database created, so no client was written with a misspelt secret).
/// </summary>
public sealed class StartupSettingsTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("idp-settings-").FullName;

    [Fact]
    public async Task UnknownConfigurationKey_StopsStartup_NamesNearestKey()
    {
        var (exitCode, standardOutput, standardError) = await RunIdpAsync(new()
        {
            ["Idp__Clients__0__ClientId"] = "portal",
            ["Idp__Clients__0__ClientSecret"] = TestClients.Secret,
            ["Idp__Clients__0__RedirectUris__0"] = TestClients.RedirectUri,
        });

        Assert.Equal(1, exitCode);
        Assert.Equal(["Unknown setting 'Idp:Clients:0:ClientSecret'. Did you mean 'Idp:Clients:0:Secret'?"], Lines(standardError));
        Assert.DoesNotContain("Exception", standardOutput + standardError);
        Assert.False(File.Exists(Path.Combine(_directory, "idp.db")), "the database was touched before the settings were checked");
    }

    [Fact]
    public async Task NestedRange_StopsStartup_WithOneLine()
    {
        var (exitCode, standardOutput, standardError) = await RunIdpAsync(new()
        {
            ["Idp__Clients__0__ClientId"] = "portal",
            ["Idp__Clients__0__RedirectUris__0"] = TestClients.RedirectUri,
            ["Idp__Clients__1__ClientId"] = "finance",
            ["Idp__Clients__1__RedirectUris__0"] = TestClients.RedirectUri,
            ["Idp__Clients__1__TrustBrowserDays"] = "400",
        });

        Assert.Equal(1, exitCode);
        Assert.Equal(["Idp:Clients:1:TrustBrowserDays must be between 0 and 365 (was 400)."], Lines(standardError));
        Assert.DoesNotContain("Exception", standardOutput + standardError);
        Assert.False(File.Exists(Path.Combine(_directory, "idp.db")));
    }

    [Fact]
    public async Task Factory_WithAnUnknownSetting_ThrowsTheRefusal()
    {
        await using var factory = new IdpFactory().WithSetting("Idp:Mfa:TrustBrowserDay", "7");

        var refused = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => factory.Start());

        Assert.Equal(["Unknown setting 'Idp:Mfa:TrustBrowserDay'. Did you mean 'Idp:Mfa:TrustBrowserDays'?"], refused.Failures);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>Runs the built Idp in Production with <paramref name="settings"/> as environment variables, in an empty directory.</summary>
    private async Task<(int ExitCode, string StandardOutput, string StandardError)> RunIdpAsync(Dictionary<string, string> settings)
    {
        var start = new ProcessStartInfo("dotnet", [typeof(Program).Assembly.Location])
        {
            WorkingDirectory = _directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("Idp", StringComparison.OrdinalIgnoreCase) || k.StartsWith("ASPNETCORE_", StringComparison.Ordinal) || k.StartsWith("DOTNET_ENVIRONMENT", StringComparison.Ordinal)).ToList())
            start.Environment.Remove(key);
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
        start.Environment["Idp__Issuer"] = "https://id.example";
        start.Environment["Idp__KeyEncryptionKey"] = IdpFactory.NewKeyEncryptionKey();
        start.Environment["Idp__Database__ConnectionString"] = $"Data Source={Path.Combine(_directory, "idp.db")}";
        start.Environment["Idp__Email__Mode"] = "OutboxOnly";
        foreach (var (key, value) in settings)
            start.Environment[key] = value;

        using var process = Process.Start(start)!;
        var standardOutput = process.StandardOutput.ReadToEndAsync();
        var standardError = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("Idp did not stop on a refused setting within 60 s: " + await standardOutput);
        }
        return (process.ExitCode, await standardOutput, await standardError);
    }
}
