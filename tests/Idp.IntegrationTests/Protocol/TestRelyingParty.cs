using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Idp.Data.Entities;
using Idp.IntegrationTests.Infrastructure;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Idp.IntegrationTests.Protocol;

/// <summary>A relying party as the specifications describe it: builds requests, redeems codes, checks tokens.</summary>
public sealed class TestRelyingParty(IdpFactory node, string clientId, string? secret = TestClients.Secret, string redirectUri = TestClients.RedirectUri)
{
    public string ClientId { get; } = clientId;
    public string RedirectUri { get; } = redirectUri;
    public string Verifier { get; } = Base64Url(RandomNumberGenerator.GetBytes(32));
    public string Challenge => Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(Verifier)));

    public string AuthorizeUrl(string scope = "openid profile email offline_access", string? state = "state-1", string? nonce = "nonce-1", params (string Name, string Value)[] extra)
    {
        var parameters = new List<(string, string)>
        {
            ("client_id", ClientId), ("redirect_uri", RedirectUri), ("response_type", "code"), ("scope", scope),
            ("code_challenge", Challenge), ("code_challenge_method", "S256"),
        };
        if (state is not null)
            parameters.Add(("state", state));
        if (nonce is not null)
            parameters.Add(("nonce", nonce));
        parameters.AddRange(extra);
        return "/connect/authorize?" + string.Join('&', parameters.Select(p => $"{p.Item1}={Uri.EscapeDataString(p.Item2)}"));
    }

    /// <summary>Follows the authorization request; signs <paramref name="user"/> in when the sign-in page appears; returns the final response (a redirect to the client).</summary>
    public async Task<BrowserResponse> AuthorizeAsync(BrowserClient browser, IdpUser? user, string? url = null)
    {
        var response = await browser.GetAsync(url ?? AuthorizeUrl());
        if (user is not null && response.Url.AbsolutePath == "/signin")
            response = await SignInAsync(browser, response, user);
        return response;
    }

    public static Task<BrowserResponse> SignInAsync(BrowserClient browser, BrowserResponse signInPage, IdpUser user, string password = TestUsers.Password, bool rememberMe = false) =>
        browser.SubmitFormAsync(signInPage, "main form", new()
        {
            ["Input.Login"] = user.AccountNumber,
            ["Input.Password"] = password,
            ["Input.RememberMe"] = rememberMe ? "true" : null,
        });

    /// <summary>The code of a redirect to the client, after checking <c>state</c> and <c>iss</c>.</summary>
    public string CodeFrom(BrowserResponse response, string state = "state-1")
    {
        Assert.True(response.IsExternalRedirect, $"Expected a redirect to the client, got {response}");
        Assert.StartsWith(RedirectUri + "?", response.Location!.ToString());
        var query = response.LocationQuery;
        Assert.Equal(state, query["state"]);
        Assert.Equal(IdpFactory.Issuer, query["iss"]);
        return query["code"];
    }

    public async Task<(HttpResponseMessage Response, JsonElement Body)> PostAsync(string path, Dictionary<string, string> form, bool basic = true)
    {
        using var http = node.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new FormUrlEncodedContent(form) };
        if (secret is not null && basic)
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Uri.EscapeDataString(ClientId)}:{Uri.EscapeDataString(secret)}")));
        else
        {
            form = new Dictionary<string, string>(form) { ["client_id"] = ClientId };
            if (secret is not null)
                form["client_secret"] = secret;
            request.Content = new FormUrlEncodedContent(form);
        }
        var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        var body = text.Length > 0 && response.Content.Headers.ContentType?.MediaType == "application/json"
            ? JsonDocument.Parse(text).RootElement.Clone()
            : default;
        return (response, body);
    }

    public Task<(HttpResponseMessage Response, JsonElement Body)> RedeemAsync(string code, string? verifier = null, string? redirectUri = null) =>
        PostAsync("/connect/token", new()
        {
            ["grant_type"] = "authorization_code",
            ["code"] = code,
            ["code_verifier"] = verifier ?? Verifier,
            ["redirect_uri"] = redirectUri ?? RedirectUri,
        });

    public Task<(HttpResponseMessage Response, JsonElement Body)> RefreshAsync(string refreshToken, string? scope = null)
    {
        var form = new Dictionary<string, string> { ["grant_type"] = "refresh_token", ["refresh_token"] = refreshToken };
        if (scope is not null)
            form["scope"] = scope;
        return PostAsync("/connect/token", form);
    }

    /// <summary>Validates a token of the provider against its published JWKS (OpenID Connect Core §3.1.3.7).</summary>
    public async Task<JsonWebToken> ValidateAsync(string token, string? audience = null, string? type = null)
    {
        using var http = node.CreateClient();
        var jwks = new JsonWebKeySet(await http.GetStringAsync("/.well-known/jwks"));
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = IdpFactory.Issuer,
            ValidAudience = audience ?? ClientId,
            IssuerSigningKeys = jwks.GetSigningKeys(),
            ValidTypes = type is null ? null : [type],
            LifetimeValidator = (notBefore, expires, _, _) => expires > node.Clock.GetUtcNow().UtcDateTime,
        });
        Assert.True(result.IsValid, $"Token invalid: {result.Exception?.Message}");
        return (JsonWebToken)result.SecurityToken;
    }

    public async Task<HttpResponseMessage> UserInfoAsync(string accessToken)
    {
        using var http = node.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/connect/userinfo");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        return await http.SendAsync(request);
    }

    private static string Base64Url(byte[] data) => Convert.ToBase64String(data).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
