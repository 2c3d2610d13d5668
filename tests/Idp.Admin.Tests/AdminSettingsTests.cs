using System.Diagnostics;
using Idp.IntegrationTests.Infrastructure;

namespace Idp.Admin.Tests;

/// <summary>The admin area refuses settings as Idp does: one line naming the setting, exit code 1, no stack trace.</summary>
public sealed class AdminSettingsTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("idp-admin-settings-").FullName;

    [Fact]
    public async Task UnknownAdminSetting_StopsStartup_NamesNearestKey()
    {
        var (exitCode, output, error) = await RunAdminAsync(("IdpAdmin__SessionLifetme", "01:00:00"));

        Assert.Equal(1, exitCode);
        Assert.Equal(["Unknown setting 'IdpAdmin:SessionLifetme'. Did you mean 'IdpAdmin:SessionLifetime'?"], Lines(error));
        Assert.DoesNotContain("Exception", output + error);
    }

    [Fact]
    public async Task IdpSettingOutOfRange_StopsTheAdminArea_WithOneLine()
    {
        var (exitCode, output, error) = await RunAdminAsync(("Idp__Mfa__TotpWindow", "7"));

        Assert.Equal(1, exitCode);
        Assert.Equal(["Idp:Mfa:TotpWindow must be between 0 and 3 (was 7)."], Lines(error));
        Assert.DoesNotContain("Exception", output + error);
    }

    [Fact]
    public async Task SecretRotationOverlapOutOfRange_StopsStartup_NamesTheSetting()
    {
        var (exitCode, output, error) = await RunAdminAsync(("IdpAdmin__SecretRotationOverlap", "-1.00:00:00"));

        Assert.Equal(1, exitCode);
        Assert.Equal(["IdpAdmin:SecretRotationOverlap must be between 0 and 90 days (e.g. 7.00:00:00)."], Lines(error));
        Assert.DoesNotContain("Exception", output + error);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private async Task<(int ExitCode, string Output, string Error)> RunAdminAsync(params (string Key, string Value)[] settings)
    {
        var start = new ProcessStartInfo("dotnet", [typeof(Program).Assembly.Location])
        {
            WorkingDirectory = _directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("Idp", StringComparison.OrdinalIgnoreCase) || k.StartsWith("ASPNETCORE_", StringComparison.Ordinal)).ToList())
            start.Environment.Remove(key);
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
        start.Environment["Idp__Issuer"] = "https://id.example";
        start.Environment["Idp__KeyEncryptionKey"] = IdpFactory.NewKeyEncryptionKey();
        start.Environment["Idp__Database__ConnectionString"] = $"Data Source={Path.Combine(_directory, "idp.db")}";
        start.Environment["IdpAdmin__ClientSecret"] = AdminFactorySecret;
        foreach (var (key, value) in settings)
            start.Environment[key] = value;

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("The admin area did not stop on a refused setting within 60 s: " + await output);
        }
        return (process.ExitCode, await output, await error);
    }

    private const string AdminFactorySecret = Infrastructure.AdminFactory.ClientSecret;
}
