using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Npgsql;

namespace Idp.IntegrationTests.Infrastructure;

/// <summary>
/// A throw-away PostgreSQL cluster for one test run: <c>initdb</c> in a temporary folder, started with <c>pg_ctl</c>
/// on 127.0.0.1 and a free port (trust authentication, durability off for speed), stopped with
/// <c>pg_ctl stop -m immediate</c> and deleted when the test process exits. Started on first use (only runs with
/// <c>IDP_TEST_DATABASE=postgres</c> use it). Run as root, every PostgreSQL command runs as the <c>postgres</c> OS user
/// through <c>runuser</c>, because <c>initdb</c> refuses root.
/// <para>
/// Settings: <c>IDP_TEST_PG_BIN</c> names the folder of the server binaries (default: the newest
/// <c>/usr/lib/postgresql/*/bin</c>); <c>IDP_TEST_POSTGRES_CONNECTION</c> uses an existing server instead
/// (its user must be allowed to create databases).
/// </para>
/// </summary>
public sealed class PostgresServer
{
    private const string FolderPrefix = "idp-pg-";
    private static readonly Lazy<PostgresServer> Shared = new(Start, LazyThreadSafetyMode.ExecutionAndPublication);
    private readonly NpgsqlConnectionStringBuilder _admin;
    private readonly string? _folder;
    private readonly string? _binaries;
    private readonly Lock _createLock = new();
    private int _stopped;

    private PostgresServer(NpgsqlConnectionStringBuilder admin, string? folder, string? binaries)
    {
        _admin = admin;
        _folder = folder;
        _binaries = binaries;
    }

    /// <summary>The run's server, started on first use.</summary>
    public static PostgresServer Instance => Shared.Value;

    /// <summary>A connection string to the <c>postgres</c> maintenance database (as superuser on the own cluster).</summary>
    public string AdminConnectionString => _admin.ConnectionString;

    /// <summary>Creates an empty database named <c>idp_test_…</c> and returns its name.</summary>
    public string CreateDatabase()
    {
        var name = "idp_test_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        // CREATE DATABASE copies template1; two at once may see each other as "other users" of the template.
        lock (_createLock)
        {
            using var connection = new NpgsqlConnection(AdminConnectionString);
            connection.Open();
            using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            command.ExecuteNonQuery();
        }
        return name;
    }

    public string ConnectionStringFor(string database) =>
        new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = database, IncludeErrorDetail = true, Pooling = true }.ConnectionString;

    /// <summary>Closes the pooled connections to the database and drops it. Best effort: the cluster goes at the end anyway.</summary>
    public void DropDatabase(string database, string connectionString)
    {
        using (var pooled = new NpgsqlConnection(connectionString))
            NpgsqlConnection.ClearPool(pooled);
        if (Volatile.Read(ref _stopped) == 1)
            return;
        try
        {
            using var connection = new NpgsqlConnection(AdminConnectionString);
            connection.Open();
            using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)", connection);
            command.ExecuteNonQuery();
        }
        catch (NpgsqlException)
        {
        }
    }

    private static PostgresServer Start()
    {
        var existing = Environment.GetEnvironmentVariable("IDP_TEST_POSTGRES_CONNECTION");
        if (!string.IsNullOrWhiteSpace(existing))
            return new PostgresServer(new NpgsqlConnectionStringBuilder(existing), folder: null, binaries: null);

        var binaries = FindBinaries();
        RemoveAbandonedClusters(binaries);

        var folder = Path.Combine(Path.GetTempPath(), FolderPrefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6)));
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "owner.pid"), Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (RunsAsRoot)
            Run("chown", ["-R", "postgres:postgres", folder], folder);

        var data = Path.Combine(folder, "data");
        RunPostgres(binaries, "initdb", ["-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions"], folder);

        Exception? last = null;
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var port = FreePort();
            try
            {
                RunPostgres(binaries, "pg_ctl",
                [
                    "start", "-D", data, "-w", "-t", "60", "-l", Path.Combine(folder, "postgres.log"),
                    "-o", $"-c listen_addresses=127.0.0.1 -p {port} -k {folder} -c fsync=off -c synchronous_commit=off " +
                          "-c full_page_writes=off -c max_connections=300 -c shared_buffers=64MB",
                ], folder);
            }
            catch (InvalidOperationException e)
            {
                last = e; // most likely the port was taken between finding it and binding it
                continue;
            }

            var admin = new NpgsqlConnectionStringBuilder
            {
                Host = "127.0.0.1",
                Port = port,
                Username = "postgres",
                Database = "postgres",
                Timeout = 30,
            };
            var server = new PostgresServer(admin, folder, binaries);
            AppDomain.CurrentDomain.ProcessExit += (_, _) => server.Stop();
            return server;
        }

        var log = Path.Combine(folder, "postgres.log");
        throw new InvalidOperationException(
            $"The test PostgreSQL server did not start in {folder}: {last?.Message}\n{(File.Exists(log) ? File.ReadAllText(log) : "")}", last);
    }

    /// <summary>Stops the cluster at once and deletes its folder. Called when the test process exits.</summary>
    public void Stop()
    {
        if (_folder is null || _binaries is null || Interlocked.Exchange(ref _stopped, 1) == 1)
            return;
        NpgsqlConnection.ClearAllPools();
        StopAndDelete(_binaries, _folder);
    }

    private static void StopAndDelete(string binaries, string folder)
    {
        var data = Path.Combine(folder, "data");
        if (File.Exists(Path.Combine(data, "postmaster.pid")))
        {
            try
            {
                RunPostgres(binaries, "pg_ctl", ["stop", "-D", data, "-m", "immediate", "-w", "-t", "30"], Path.GetTempPath());
            }
            catch (InvalidOperationException)
            {
                // Already stopped.
            }
        }
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    /// <summary>Clusters of earlier test processes that were killed before they could stop theirs.</summary>
    private static void RemoveAbandonedClusters(string binaries)
    {
        foreach (var folder in Directory.EnumerateDirectories(Path.GetTempPath(), FolderPrefix + "*"))
        {
            var ownerFile = Path.Combine(folder, "owner.pid");
            if (!File.Exists(ownerFile) || !int.TryParse(File.ReadAllText(ownerFile).Trim(), out var owner) || IsAlive(owner))
                continue;
            StopAndDelete(binaries, folder);
        }
    }

    private static bool IsAlive(int processId)
    {
        try
        {
            using var process = Process.GetProcessById(processId);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private static string FindBinaries()
    {
        var configured = Environment.GetEnvironmentVariable("IDP_TEST_PG_BIN");
        if (!string.IsNullOrWhiteSpace(configured))
        {
            if (!File.Exists(Path.Combine(configured, "initdb")))
                throw new InvalidOperationException($"IDP_TEST_PG_BIN='{configured}' has no initdb.");
            return configured;
        }
        const string root = "/usr/lib/postgresql";
        var found = Directory.Exists(root)
            ? Directory.EnumerateDirectories(root)
                .Select(d => (Folder: Path.Combine(d, "bin"), Version: int.TryParse(Path.GetFileName(d), out var v) ? v : 0))
                .Where(c => File.Exists(Path.Combine(c.Folder, "initdb")) && File.Exists(Path.Combine(c.Folder, "pg_ctl")))
                .OrderByDescending(c => c.Version)
                .Select(c => c.Folder)
                .FirstOrDefault()
            : null;
        return found ?? throw new InvalidOperationException(
            "IDP_TEST_DATABASE=postgres needs the PostgreSQL server binaries (initdb, pg_ctl) under /usr/lib/postgresql/<version>/bin, " +
            "and none were found. Install the Debian package 'postgresql' (sudo apt-get install -y postgresql), or set IDP_TEST_PG_BIN " +
            "to their folder, or IDP_TEST_POSTGRES_CONNECTION to an existing server. ./test.sh installs it for you.");
    }

    private static bool RunsAsRoot => Environment.UserName == "root";

    private static void RunPostgres(string binaries, string program, IReadOnlyList<string> arguments, string workingDirectory)
    {
        var executable = Path.Combine(binaries, program);
        if (RunsAsRoot)
            Run("runuser", ["-u", "postgres", "--", executable, .. arguments], workingDirectory);
        else
            Run(executable, arguments, workingDirectory);
    }

    private static void Run(string fileName, IReadOnlyList<string> arguments, string workingDirectory)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        start.Environment["LC_ALL"] = "C";

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {fileName}.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(120)))
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"{fileName} {string.Join(' ', arguments)} did not finish within 120 s.");
        }
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"{fileName} {string.Join(' ', arguments)} failed with exit code {process.ExitCode}:\n{output.Result}\n{error.Result}");
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
