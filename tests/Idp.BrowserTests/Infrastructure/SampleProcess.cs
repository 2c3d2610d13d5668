using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Idp.BrowserTests.Infrastructure;

/// <summary>
/// A sample app (<c>samples/Portal</c>, <c>samples/Authenticator</c>) run as its own process from its build output,
/// in its project folder (its content root), on <c>http://localhost:{free port}</c>, as <c>./run.sh</c> runs it.
/// Its output is kept for failure messages. Disposing stops it.
/// </summary>
public sealed class SampleProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private SampleProcess(Process process, string baseUrl)
    {
        _process = process;
        BaseUrl = baseUrl;
    }

    public string BaseUrl { get; }

    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    public static async Task<SampleProcess> StartAsync(string project, int port, IReadOnlyDictionary<string, string> environment)
    {
        var folder = Path.Combine(RepositoryRoot.Path, "samples", project);
        // The test assembly lives in tests/Idp.BrowserTests/bin/{Configuration}/{TargetFramework}/.
        var targetFramework = new DirectoryInfo(AppContext.BaseDirectory).Name;
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
        var dll = Path.Combine(folder, "bin", configuration, targetFramework, project + ".dll");
        if (!File.Exists(dll))
            throw new InvalidOperationException($"{dll} is missing: build samples/{project} (the test project references it).");

        var baseUrl = $"http://localhost:{port}";
        var start = new ProcessStartInfo("dotnet", [dll])
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        start.Environment["Kestrel__Endpoints__Http__Url"] = baseUrl;
        start.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (key, value) in environment)
            start.Environment[key] = value;

        var process = Process.Start(start) ?? throw new InvalidOperationException($"dotnet {dll} did not start.");
        var sample = new SampleProcess(process, baseUrl);
        process.OutputDataReceived += (_, e) => sample.Append(e.Data);
        process.ErrorDataReceived += (_, e) => sample.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (true)
        {
            if (process.HasExited)
                throw new InvalidOperationException($"samples/{project} stopped during start-up:\n{sample.Output}");
            try
            {
                using var response = await http.GetAsync(baseUrl + "/");
                return sample;
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
            {
                if (DateTime.UtcNow > deadline)
                {
                    await sample.DisposeAsync();
                    throw new TimeoutException($"samples/{project} did not answer at {baseUrl} within 90 s:\n{sample.Output}");
                }
                await Task.Delay(250);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
            return;
        lock (_output)
            _output.AppendLine(line);
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
