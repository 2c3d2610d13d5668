using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace Portal.DPoP;

/// <summary>
/// The portal's DPoP key (RFC 9449) and its proofs. One P-256 key per running portal, in memory only: tokens bound
/// to it die with the process, and the user signs in again. Remembers the last <c>DPoP-Nonce</c> each server gave
/// (§8, §9) and retries a request once when a server asks for a fresh one.
/// </summary>
public sealed class DPoPProofFactory(IOptions<PortalOptions> options, TimeProvider clock) : IDisposable
{
    public const string HeaderName = "DPoP";
    public const string NonceHeaderName = "DPoP-Nonce";

    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly ConcurrentDictionary<string, string> _nonces = new(StringComparer.OrdinalIgnoreCase);

    public bool Enabled => options.Value.UseDPoP;

    /// <summary>§4.2: <c>typ</c> dpop+jwt, ES256, the public key as <c>jwk</c>; <c>jti htm htu iat</c>, <c>ath</c> with an access token.</summary>
    public string CreateProof(HttpMethod method, Uri url, string? accessToken)
    {
        var q = _key.ExportParameters(false).Q;
        var header = new Dictionary<string, object>
        {
            ["typ"] = "dpop+jwt",
            ["alg"] = "ES256",
            ["jwk"] = new Dictionary<string, string> { ["kty"] = "EC", ["crv"] = "P-256", ["x"] = Base64Url(q.X!), ["y"] = Base64Url(q.Y!) },
        };
        var claims = new Dictionary<string, object>
        {
            ["jti"] = Base64Url(RandomNumberGenerator.GetBytes(16)),
            ["htm"] = method.Method,
            ["htu"] = url.GetLeftPart(UriPartial.Path),
            ["iat"] = clock.GetUtcNow().ToUnixTimeSeconds(),
        };
        if (accessToken is not null)
            claims["ath"] = Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(accessToken)));
        if (_nonces.TryGetValue(url.GetLeftPart(UriPartial.Authority), out var nonce))
            claims["nonce"] = nonce;
        var input = Base64Url(JsonSerializer.SerializeToUtf8Bytes(header)) + "." + Base64Url(JsonSerializer.SerializeToUtf8Bytes(claims));
        var signature = _key.SignData(Encoding.ASCII.GetBytes(input), HashAlgorithmName.SHA256);
        return input + "." + Base64Url(signature);
    }

    /// <summary>
    /// Sends <paramref name="request"/> with a proof; when the server answers with a nonce challenge (§8: 400
    /// <c>use_dpop_nonce</c> from a token endpoint, §9: 401 with it in <c>WWW-Authenticate</c>), once more with that nonce.
    /// </summary>
    public async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, string? accessToken,
        Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> send, CancellationToken cancellationToken)
    {
        AddProof(request, accessToken);
        var response = await send(request, cancellationToken);
        if (!await AsksForNonceAsync(request.RequestUri!, response, cancellationToken))
            return response;

        response.Dispose();
        using var retry = new HttpRequestMessage(request.Method, request.RequestUri) { Content = request.Content, Version = request.Version };
        foreach (var header in request.Headers)
            retry.Headers.TryAddWithoutValidation(header.Key, header.Value);
        AddProof(retry, accessToken);
        return await send(retry, cancellationToken);
    }

    public void Dispose() => _key.Dispose();

    private void AddProof(HttpRequestMessage request, string? accessToken)
    {
        request.Headers.Remove(HeaderName);
        request.Headers.Add(HeaderName, CreateProof(request.Method, request.RequestUri!, accessToken));
    }

    private async Task<bool> AsksForNonceAsync(Uri url, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (!response.Headers.TryGetValues(NonceHeaderName, out var values) || values.FirstOrDefault() is not { Length: > 0 } nonce)
            return false;
        var known = _nonces.TryGetValue(url.GetLeftPart(UriPartial.Authority), out var previous) && previous == nonce;
        _nonces[url.GetLeftPart(UriPartial.Authority)] = nonce;
        if (known)
            return false;
        if (response.StatusCode == HttpStatusCode.Unauthorized)
            return response.Headers.WwwAuthenticate.ToString().Contains("use_dpop_nonce", StringComparison.Ordinal);
        if (response.StatusCode != HttpStatusCode.BadRequest)
            return false;
        await response.Content.LoadIntoBufferAsync(cancellationToken);
        return (await response.Content.ReadAsStringAsync(cancellationToken)).Contains("use_dpop_nonce", StringComparison.Ordinal);
    }

    private static string Base64Url(byte[] data) => Convert.ToBase64String(data).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
