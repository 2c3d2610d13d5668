using System.Collections;
using System.Globalization;
using System.Reflection;
using System.Security.Cryptography;
using Idp.Configuration;
using Idp.Data;
using Idp.Data.Entities;
using Idp.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Idp.IntegrationTests.Infrastructure;

/// <summary>
/// One Idp node in memory, on its own fresh database (SQLite file; PostgreSQL with <c>IDP_TEST_DATABASE=postgres</c>),
/// environment <c>Testing</c>, issuer <c>http://localhost</c>, a random key-encryption key and a fake clock.
/// Configure it (clients, settings, services) before the first request; it starts on first use of
/// <see cref="WebApplicationFactory{TEntryPoint}.Server"/>, <see cref="WebApplicationFactory{TEntryPoint}.Services"/>,
/// a client or a helper. Dispose it (<c>await using</c>) to stop it and delete its database.
/// </summary>
public sealed class IdpFactory : WebApplicationFactory<Program>
{
    public const string Issuer = "http://localhost";
    public const string EnvironmentName = "Testing";

    private readonly Dictionary<string, string?> _settings = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<Action<IServiceCollection>> _services = [];
    private readonly bool _ownsDatabase;
    private string _environment = EnvironmentName;
    private bool _started;

    /// <summary>A node on a fresh database of this run's provider.</summary>
    public IdpFactory() : this(TestDatabase.Create(), ownsDatabase: true, NewKeyEncryptionKey(), FakeTimeProvider.StartingNow(), "A")
    {
    }

    /// <summary>A node on a given database (see <see cref="IdpCluster"/> for several nodes on one database).</summary>
    public IdpFactory(TestDatabase database, bool ownsDatabase, string keyEncryptionKey, FakeTimeProvider clock, string nodeName = "A")
    {
        Database = database;
        _ownsDatabase = ownsDatabase;
        KeyEncryptionKey = keyEncryptionKey;
        Clock = clock;
        NodeName = nodeName;
        _settings["Idp:Issuer"] = Issuer;
        _settings["Idp:KeyEncryptionKey"] = keyEncryptionKey;
        _settings["Idp:Database:Provider"] = database.Provider.ToString();
        _settings["Idp:Database:ConnectionString"] = database.ConnectionString;
        _settings["Idp:SeedDemoData"] = "false";
        // Scheduled jobs would run on the fake clock at random moments; tests that need them run them directly.
        _settings["Idp:Jobs:Enabled"] = "false";
        // Tests of other features sign the same user in several times and expect a password-only session; the
        // second-factor tests set Idp:Mfa:GraceSignIns (product default 1) themselves.
        _settings["Idp:Mfa:GraceSignIns"] = "100";
        ClientOptions.BaseAddress = new Uri(Issuer);
        ClientOptions.AllowAutoRedirect = false;
    }

    /// <summary>The application's <see cref="TimeProvider"/>: move it with <c>Clock.Advance(…)</c>. Starts at the real time, whole seconds.</summary>
    public FakeTimeProvider Clock { get; }

    public TestDatabase Database { get; }

    /// <summary>Base64 of the random 32-byte <c>Idp:KeyEncryptionKey</c> of this node.</summary>
    public string KeyEncryptionKey { get; }

    /// <summary>A name for messages ("A", "B" in a cluster).</summary>
    public string NodeName { get; }

    /// <summary>What the application logged.</summary>
    public TestLogSink Logs { get; } = new();

    /// <summary>Every configuration value given to the application by this factory (before start).</summary>
    public IReadOnlyDictionary<string, string?> Settings => _settings;

    /// <summary>Sets a configuration value (<c>"Idp:Accounts:SelfRegistration"</c>, <c>"false"</c>). Before start only.</summary>
    public IdpFactory WithSetting(string key, string? value)
    {
        EnsureNotStarted();
        _settings[key] = value;
        return this;
    }

    /// <summary>Runs the application in another environment (<c>"Production"</c>: no development pages, the real error pages). Before start only.</summary>
    public IdpFactory WithEnvironment(string environment)
    {
        EnsureNotStarted();
        _environment = environment;
        return this;
    }

    public IdpFactory WithSettings(IEnumerable<KeyValuePair<string, string?>> settings)
    {
        foreach (var (key, value) in settings)
            WithSetting(key, value);
        return this;
    }

    /// <summary>Writes what the application logs to the test's output (shown when the test fails).</summary>
    public IdpFactory WithOutput(Xunit.Abstractions.ITestOutputHelper output)
    {
        Logs.ForwardTo(line => output.WriteLine($"[{NodeName}] {line}"));
        return this;
    }

    /// <summary>Replaces or adds services after the application registered its own (<c>services.RemoveAll&lt;X&gt;()</c> …).</summary>
    public IdpFactory WithServices(Action<IServiceCollection> configure)
    {
        EnsureNotStarted();
        _services.Add(configure);
        return this;
    }

    /// <summary>Declares a client in configuration (<c>Idp:Clients:N:…</c>), upserted into the database at start-up.</summary>
    public IdpFactory WithClient(ClientOptions client)
    {
        EnsureNotStarted();
        var index = NextClientIndex();
        foreach (var (key, value) in Flatten(client, $"Idp:Clients:{index}"))
            _settings[key] = value;
        return this;
    }

    /// <summary>
    /// Declares a client with test defaults: display name "Test portal {clientId}", redirect URI
    /// <see cref="TestClients.RedirectUri"/>, post-logout redirect URI <see cref="TestClients.PostLogoutRedirectUri"/>;
    /// public (PKCE) unless <paramref name="configure"/> sets a secret.
    /// </summary>
    public IdpFactory WithClient(string clientId, Action<ClientOptions>? configure = null) =>
        WithClient(TestClients.Create(clientId, configure));

    /// <summary>Runs <paramref name="action"/> with a fresh <see cref="IdpDbContext"/> in its own scope.</summary>
    public async Task WithDbAsync(Func<IdpDbContext, Task> action)
    {
        await using var scope = Services.CreateAsyncScope();
        await action(scope.ServiceProvider.GetRequiredService<IdpDbContext>());
    }

    /// <summary>Reads from a fresh <see cref="IdpDbContext"/> in its own scope: <c>await factory.WithDbAsync(db => db.Clients.CountAsync())</c>.</summary>
    public async Task<T> WithDbAsync<T>(Func<IdpDbContext, Task<T>> action)
    {
        await using var scope = Services.CreateAsyncScope();
        return await action(scope.ServiceProvider.GetRequiredService<IdpDbContext>());
    }

    /// <summary>Runs <paramref name="action"/> with the services of a new scope (like one request).</summary>
    public async Task<T> WithScopeAsync<T>(Func<IServiceProvider, Task<T>> action)
    {
        await using var scope = Services.CreateAsyncScope();
        return await action(scope.ServiceProvider);
    }

    public async Task WithScopeAsync(Func<IServiceProvider, Task> action)
    {
        await using var scope = Services.CreateAsyncScope();
        await action(scope.ServiceProvider);
    }

    /// <summary>The newest outbox message (e-mail or SMS) for <paramref name="recipient"/>, or null.</summary>
    public Task<OutboxMessage?> LatestOutboxMessageAsync(string recipient, OutboxChannel? channel = null) =>
        WithDbAsync(db => db.Outbox.AsNoTracking()
            .Where(m => m.Recipient == recipient && (channel == null || m.Channel == channel))
            .OrderByDescending(m => m.Id)
            .FirstOrDefaultAsync());

    /// <summary>Every outbox message for <paramref name="recipient"/>, oldest first.</summary>
    public Task<List<OutboxMessage>> OutboxMessagesAsync(string recipient) =>
        WithDbAsync(db => db.Outbox.AsNoTracking().Where(m => m.Recipient == recipient).OrderBy(m => m.Id).ToListAsync());

    /// <summary>
    /// Creates a user with a confirmed e-mail address directly through <see cref="UserManager{TUser}"/>.
    /// The account number (also the user name) is random unless given; the e-mail address defaults to
    /// <c>{accountNumber}@example.test</c>; the password to <see cref="TestUsers.Password"/>.
    /// </summary>
    public async Task<IdpUser> CreateUserAsync(
        string? accountNumber = null,
        string? email = null,
        string password = TestUsers.Password,
        string givenName = "Erika",
        string familyName = "Mustermann",
        Action<IdpUser>? configure = null)
    {
        accountNumber ??= TestUsers.NewAccountNumber();
        var user = new IdpUser
        {
            UserName = accountNumber,
            AccountNumber = accountNumber,
            Email = email ?? $"{accountNumber}@example.test",
            EmailConfirmed = true,
            GivenName = givenName,
            FamilyName = familyName,
            CreatedAt = Clock.GetUtcNow(),
        };
        configure?.Invoke(user);
        return await WithScopeAsync(async services =>
        {
            var users = services.GetRequiredService<UserManager<IdpUser>>();
            var result = await users.CreateAsync(user, password);
            if (!result.Succeeded)
                throw new InvalidOperationException($"Creating test user {accountNumber} failed: {string.Join("; ", result.Errors.Select(e => $"{e.Code}: {e.Description}"))}");
            return user;
        });
    }

    /// <summary>A browser (own cookies, no automatic redirects) talking to this node.</summary>
    public BrowserClient CreateBrowser() => new(this);

    /// <summary>Starts the node now (it starts by itself on first use); throws what start-up threw.</summary>
    public IdpFactory Start()
    {
        _ = Server;
        return this;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        _started = true;
        builder.UseEnvironment(_environment);
        // UseSetting writes host configuration, which Program sees while it builds (AddIdp reads Idp:Database early).
        foreach (var (key, value) in _settings)
            builder.UseSetting(key, value);
        builder.ConfigureLogging(logging =>
        {
            logging.ClearProviders();
            logging.AddProvider(Logs);
        });
        builder.ConfigureTestServices(services =>
        {
            services.RemoveAll<TimeProvider>();
            services.AddSingleton<TimeProvider>(Clock);
            // PBKDF2 at its production cost (100,000 iterations) would dominate the suite's time; the hashing itself
            // is Identity's and not what these tests check.
            services.Configure<PasswordHasherOptions>(hasher => hasher.IterationCount = 1_000);
            foreach (var configure in _services)
                configure(services);
        });
    }

    /// <summary>
    /// Program prints a refused setting and returns without running; in a test the refusal is thrown instead, so
    /// <see cref="Start"/> (or the first request) fails with the setting's message.
    /// </summary>
    protected override IHost CreateHost(IHostBuilder builder)
    {
        var host = base.CreateHost(builder);
        host.Services.ValidateSettings();
        return host;
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (_ownsDatabase)
            Database.Dispose();
    }

    public static string NewKeyEncryptionKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    private void EnsureNotStarted()
    {
        if (_started)
            throw new InvalidOperationException($"Node {NodeName} has already started: configure the factory before the first request or use of Services.");
    }

    private int NextClientIndex()
    {
        var used = _settings.Keys
            .Select(k => k.Split(':'))
            .Where(p => p.Length > 2 && p[0].Equals("Idp", StringComparison.OrdinalIgnoreCase) && p[1].Equals("Clients", StringComparison.OrdinalIgnoreCase))
            .Select(p => int.TryParse(p[2], NumberStyles.None, CultureInfo.InvariantCulture, out var i) ? i : -1)
            .DefaultIfEmpty(-1)
            .Max();
        return used + 1;
    }

    /// <summary>Configuration entries for an options object: scalars as invariant strings, lists as <c>key:0</c>, <c>key:1</c> ….</summary>
    internal static IEnumerable<KeyValuePair<string, string?>> Flatten(object options, string prefix)
    {
        foreach (var property in options.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (!property.CanRead || !property.CanWrite || property.GetIndexParameters().Length > 0)
                continue;
            var value = property.GetValue(options);
            var key = $"{prefix}:{property.Name}";
            switch (value)
            {
                case null:
                    continue;
                case string text:
                    yield return new(key, text);
                    break;
                case IEnumerable items:
                    var i = 0;
                    foreach (var item in items)
                        yield return new($"{key}:{i++}", Convert.ToString(item, CultureInfo.InvariantCulture));
                    break;
                case IFormattable formattable:
                    yield return new(key, formattable.ToString(null, CultureInfo.InvariantCulture));
                    break;
                default:
                    yield return new(key, value.ToString());
                    break;
            }
        }
    }
}
