using System.Data.Common;
using System.Security.Cryptography;
using Idp.Configuration;
using Idp.Data;
using Idp.Protocol.Keys;
using Idp.Security;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Idp.UnitTests.Protocol.Keys;

/// <summary>
/// A minimal container for the key services over an in-memory SQLite database. Several hosts can share one
/// database (<see cref="AnotherNode"/>) to act as several nodes.
/// </summary>
internal sealed class KeysTestHost : IAsyncDisposable
{
    public static readonly DateTimeOffset Start = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    private static readonly string SharedFileKeyEncryptionKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
    private readonly SqliteConnection? _connection;
    private readonly bool _ownsConnection;

    private KeysTestHost(SqliteConnection? connection, string? connectionString, bool ownsConnection, string keyEncryptionKey, Action<IdpOptions>? configure)
    {
        _connection = connection;
        _ownsConnection = ownsConnection;
        KeyEncryptionKey = keyEncryptionKey;
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        services.AddSingleton<TimeProvider>(Clock);
        services.AddSingleton<IHostEnvironment>(new TestEnvironment());
        services.AddOptions<IdpOptions>().Configure(options =>
        {
            options.Issuer = "https://idp.test";
            options.KeyEncryptionKey = keyEncryptionKey;
            configure?.Invoke(options);
        });
        services.AddSingleton<SecretProtector>();
        services.AddSingleton(Commands);
        services.AddDbContext<IdpDbContext, SqliteIdpDbContext>((provider, options) =>
            (connection is not null ? options.UseSqlite(connection) : options.UseSqlite(connectionString)).AddInterceptors(provider.GetRequiredService<CommandCounter>()));
        services.AddIdpSigningKeys();
        Services = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true, ValidateOnBuild = true });
    }

    public FakeClock Clock { get; } = new(Start);
    public CommandCounter Commands { get; } = new();
    public ServiceProvider Services { get; }
    public string KeyEncryptionKey { get; }
    public ISigningKeyStore Store => Services.GetRequiredService<ISigningKeyStore>();
    public SecretProtector Protector => Services.GetRequiredService<SecretProtector>();

    public static async Task<KeysTestHost> CreateAsync(Action<IdpOptions>? configure = null)
    {
        var connection = new SqliteConnection("Data Source=:memory:");
        await connection.OpenAsync();
        var host = new KeysTestHost(connection, null, ownsConnection: true, Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)), configure);
        await using var scope = host.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<IdpDbContext>().Database.EnsureCreatedAsync();
        return host;
    }

    /// <summary>A node on a database file, with its own connections, so nodes really run at once.</summary>
    public static async Task<KeysTestHost> CreateOnFileAsync(string path, bool createSchema)
    {
        var host = new KeysTestHost(null, $"Data Source={path}", ownsConnection: false, SharedFileKeyEncryptionKey, null);
        if (createSchema)
        {
            await using var scope = host.Services.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<IdpDbContext>().Database.EnsureCreatedAsync();
        }
        return host;
    }

    /// <summary>A second node on the same database, with its own store, cache and clock (set to this one's time).</summary>
    public KeysTestHost AnotherNode()
    {
        var node = new KeysTestHost(_connection, null, ownsConnection: false, KeyEncryptionKey, null);
        node.Clock.Set(Clock.GetUtcNow());
        return node;
    }

    public async Task EnsureKeysAsync()
    {
        await using var scope = Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<SigningKeyManager>().EnsureKeysAsync();
    }

    public async Task<T> WithManagerAsync<T>(Func<SigningKeyManager, Task<T>> action)
    {
        await using var scope = Services.CreateAsyncScope();
        return await action(scope.ServiceProvider.GetRequiredService<SigningKeyManager>());
    }

    public async Task<T> WithDbAsync<T>(Func<IdpDbContext, Task<T>> action)
    {
        await using var scope = Services.CreateAsyncScope();
        return await action(scope.ServiceProvider.GetRequiredService<IdpDbContext>());
    }

    public async ValueTask DisposeAsync()
    {
        await Services.DisposeAsync();
        if (_ownsConnection && _connection is not null)
            await _connection.DisposeAsync();
    }

    internal sealed class CommandCounter : DbCommandInterceptor
    {
        private int _count;
        public int Count => Volatile.Read(ref _count);

        public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _count);
            return base.ReaderExecutingAsync(command, eventData, result, cancellationToken);
        }
    }

    private sealed class TestEnvironment : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = "Testing";
        public string ApplicationName { get; set; } = "Idp";
        public string ContentRootPath { get; set; } = AppContext.BaseDirectory;
        public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
    }
}
