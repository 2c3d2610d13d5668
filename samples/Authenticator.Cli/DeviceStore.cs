using System.Security.Cryptography;
using System.Text.Json;

namespace Authenticator.Cli;

/// <summary>An account on this device: its credential, access token and private key.</summary>
public sealed class DeviceAccount : IDisposable
{
    public required string Issuer { get; init; }
    public required string CredentialId { get; init; }
    public required string AccessToken { get; init; }
    public required string AccountNumber { get; init; }
    public string DisplayName { get; init; } = "";
    public required ECDsa Key { get; init; }

    public static DeviceAccount From(RegistrationConfirmed confirmed, ECDsa key) => new()
    {
        Issuer = confirmed.Issuer,
        CredentialId = confirmed.CredentialId,
        AccessToken = confirmed.AccessToken,
        AccountNumber = confirmed.AccountNumber,
        DisplayName = confirmed.DisplayName,
        Key = key,
    };

    public void Dispose() => Key.Dispose();
}

/// <summary>
/// The device's file (default <c>~/.idp-authenticator.json</c>, readable only by its owner): the accounts and the
/// registrations waiting for their SMS code, each with its private key (PKCS#8). Nothing of it is ever sent
/// except the public keys and the access tokens.
/// </summary>
public sealed class DeviceStore
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public List<StoredAccount> Accounts { get; set; } = [];
    public List<StoredRegistration> Registrations { get; set; } = [];

    public sealed record StoredAccount(string Issuer, string CredentialId, string AccessToken, string AccountNumber, string DisplayName, string PrivateKey);

    public sealed record StoredRegistration(string Issuer, string RegistrationId, string Login, string MaskedPhone, DateTimeOffset ExpiresAt, string PrivateKey);

    public static string DefaultPath => Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".idp-authenticator.json");

    public static DeviceStore Load(string path) =>
        File.Exists(path) ? JsonSerializer.Deserialize<DeviceStore>(File.ReadAllText(path), Json) ?? new() : new();

    public void Save(string path)
    {
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(this, Json));
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.Move(temporary, path, overwrite: true);
    }

    public static string ExportKey(ECDsa key) => Convert.ToBase64String(key.ExportPkcs8PrivateKey());

    public static ECDsa ImportKey(string pkcs8)
    {
        var key = ECDsa.Create();
        key.ImportPkcs8PrivateKey(Convert.FromBase64String(pkcs8), out _);
        return key;
    }

    public static DeviceAccount Open(StoredAccount stored) => new()
    {
        Issuer = stored.Issuer,
        CredentialId = stored.CredentialId,
        AccessToken = stored.AccessToken,
        AccountNumber = stored.AccountNumber,
        DisplayName = stored.DisplayName,
        Key = ImportKey(stored.PrivateKey),
    };
}
