using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Authenticator.Cli;

/// <summary>An error of the device API: the HTTP status and the problem code (<c>urn:idp:problem:&lt;code&gt;</c>).</summary>
public sealed class DeviceApiException(HttpStatusCode status, string? code, string? title)
    : Exception($"{(int)status} {code ?? "error"}{(title is null ? "" : ": " + title)}")
{
    public HttpStatusCode Status { get; } = status;
    public string? Code { get; } = code;
}

public sealed record RegistrationStarted(string RegistrationId, string MaskedPhone, DateTimeOffset ExpiresAt);

public sealed record RegistrationConfirmed(string CredentialId, string AccessToken, string AccountNumber, string DisplayName, string Issuer);

public sealed record PendingRequest(
    string RequestId,
    string Challenge,
    string PortalName,
    DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt,
    string? IpAddress,
    string? Browser,
    IReadOnlyList<int> NumberChoices,
    bool IsTest);

/// <summary>One event of the device's event stream: <c>request</c> (with the request) or <c>decided</c> (with its id).</summary>
public sealed record DeviceEvent(string Name, PendingRequest? Request, string? RequestId);

/// <summary>
/// The device side of Idp's authenticator API (<c>/api/authenticator/v1</c>): registers accounts with a key pair
/// made here, reads pending requests and sends decisions signed with the account's private key, which never
/// leaves the device. The <see cref="HttpClient"/>'s base address is Idp's issuer URL.
/// </summary>
public sealed class DeviceClient(HttpClient http)
{
    public const string Prefix = "api/authenticator/v1/";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>A new ECDSA P-256 key pair for an account.</summary>
    public static ECDsa NewKey() => ECDsa.Create(ECCurve.NamedCurves.nistP256);

    /// <summary>The public key as the API wants it: SubjectPublicKeyInfo, base64url.</summary>
    public static string PublicKey(ECDsa key) => Base64Url(key.ExportSubjectPublicKeyInfo());

    /// <summary>The signature of a decision: ECDSA P-256/SHA-256, IEEE P1363, over <c>{requestId}.{challenge}.{decision}.{number}</c>.</summary>
    public static string Sign(ECDsa key, string requestId, string challenge, string decision, int number) =>
        Base64Url(key.SignData(Encoding.UTF8.GetBytes($"{requestId}.{challenge}.{decision}.{number}"), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation));

    public async Task<RegistrationStarted> RegisterAsync(string login, string password, ECDsa key, string deviceName, CancellationToken cancellationToken = default)
    {
        using var response = await http.PostAsJsonAsync(Prefix + "registrations", new { login, password, publicKey = PublicKey(key), deviceName }, Json, cancellationToken);
        return await ReadAsync<RegistrationStarted>(response, cancellationToken);
    }

    public async Task<RegistrationConfirmed> ConfirmAsync(string registrationId, string code, CancellationToken cancellationToken = default)
    {
        using var response = await http.PostAsJsonAsync($"{Prefix}registrations/{Uri.EscapeDataString(registrationId)}/confirm", new { code }, Json, cancellationToken);
        return await ReadAsync<RegistrationConfirmed>(response, cancellationToken);
    }

    public async Task<IReadOnlyList<PendingRequest>> PendingAsync(DeviceAccount account, CancellationToken cancellationToken = default)
    {
        using var request = Authorized(HttpMethod.Get, $"credentials/{Uri.EscapeDataString(account.CredentialId)}/requests", account);
        using var response = await http.SendAsync(request, cancellationToken);
        return await ReadAsync<List<PendingRequest>>(response, cancellationToken);
    }

    /// <summary>Approves (with the number shown in the browser) or denies (<paramref name="number"/> is ignored and signed as 0).</summary>
    public async Task DecideAsync(DeviceAccount account, PendingRequest pending, bool approve, int number, CancellationToken cancellationToken = default)
    {
        var decision = approve ? "approve" : "deny";
        var signed = approve ? number : 0;
        await SendDecisionAsync(account, pending.RequestId, decision, signed, Sign(account.Key, pending.RequestId, pending.Challenge, decision, signed), cancellationToken);
    }

    /// <summary>Sends a decision with a given signature (tests use it to send forged ones).</summary>
    public async Task SendDecisionAsync(DeviceAccount account, string requestId, string decision, int number, string signature, CancellationToken cancellationToken = default)
    {
        using var request = Authorized(HttpMethod.Post, $"requests/{Uri.EscapeDataString(requestId)}/decision", account);
        request.Content = JsonContent.Create(new { credentialId = account.CredentialId, decision, number, signature }, options: Json);
        using var response = await http.SendAsync(request, cancellationToken);
        await EnsureAsync(response, cancellationToken);
    }

    /// <summary>"This was not me", after a denial.</summary>
    public async Task ReportAsync(DeviceAccount account, string requestId, CancellationToken cancellationToken = default)
    {
        using var request = Authorized(HttpMethod.Post, $"requests/{Uri.EscapeDataString(requestId)}/report", account);
        request.Content = JsonContent.Create(new { credentialId = account.CredentialId }, options: Json);
        using var response = await http.SendAsync(request, cancellationToken);
        await EnsureAsync(response, cancellationToken);
    }

    /// <summary>Removes the account from this device (Idp forgets the credential).</summary>
    public async Task RemoveAsync(DeviceAccount account, CancellationToken cancellationToken = default)
    {
        using var request = Authorized(HttpMethod.Delete, $"credentials/{Uri.EscapeDataString(account.CredentialId)}", account);
        using var response = await http.SendAsync(request, cancellationToken);
        await EnsureAsync(response, cancellationToken);
    }

    /// <summary>The account's event stream (server-sent events) until <paramref name="cancellationToken"/> ends it or Idp closes it.</summary>
    public async IAsyncEnumerable<DeviceEvent> EventsAsync(DeviceAccount account, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var request = Authorized(HttpMethod.Get, $"credentials/{Uri.EscapeDataString(account.CredentialId)}/events", account);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        await EnsureAsync(response, cancellationToken);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken));
        string? name = null;
        var data = new StringBuilder();
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.Length == 0)
            {
                if (name is not null && data.Length > 0)
                {
                    var text = data.ToString();
                    yield return name == "request"
                        ? new DeviceEvent(name, JsonSerializer.Deserialize<PendingRequest>(text, Json), null)
                        : new DeviceEvent(name, null, JsonDocument.Parse(text).RootElement.TryGetProperty("requestId", out var id) ? id.GetString() : null);
                }
                name = null;
                data.Clear();
            }
            else if (line.StartsWith("event:", StringComparison.Ordinal))
                name = line[6..].Trim();
            else if (line.StartsWith("data:", StringComparison.Ordinal))
                data.Append(line[5..].TrimStart());
        }
    }

    private static HttpRequestMessage Authorized(HttpMethod method, string path, DeviceAccount account)
    {
        var request = new HttpRequestMessage(method, Prefix + path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", account.AccessToken);
        return request;
    }

    private static async Task<T> ReadAsync<T>(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        await EnsureAsync(response, cancellationToken);
        return (await response.Content.ReadFromJsonAsync<T>(Json, cancellationToken))!;
    }

    private static async Task EnsureAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
            return;
        string? code = null, title = null;
        try
        {
            using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
            if (problem.RootElement.TryGetProperty("type", out var type) && type.GetString() is { } t && t.StartsWith("urn:idp:problem:", StringComparison.Ordinal))
                code = t["urn:idp:problem:".Length..];
            if (problem.RootElement.TryGetProperty("title", out var titleElement))
                title = titleElement.GetString();
        }
        catch (JsonException)
        {
            // Not a problem document.
        }
        throw new DeviceApiException(response.StatusCode, code, title);
    }

    private static string Base64Url(byte[] data) => Convert.ToBase64String(data).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
