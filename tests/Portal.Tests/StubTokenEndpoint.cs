using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;

namespace Portal.Tests;

/// <summary>Idp's token endpoint as the portal's back channel sees it; checks client_secret_basic and PKCE.</summary>
public sealed class StubTokenEndpoint(TestIdp idp) : HttpMessageHandler
{
    public const string AccessToken = "stub-access-token";

    public int Calls { get; private set; }
    public string? CodeChallenge { get; set; }
    public string? Nonce { get; set; }

    /// <summary>Alters the ID token's claims (acr, amr, auth_time…) before it is signed.</summary>
    public Action<Dictionary<string, object>>? ChangeIdToken { get; set; }
    public List<string> Problems { get; } = [];

    /// <summary>Signs the ID token with these instead of Idp's RSA key.</summary>
    public Microsoft.IdentityModel.Tokens.SigningCredentials? Credentials { get; set; }

    /// <summary>The access token the ID token's at_hash is computed for (default: the one returned).</summary>
    public string AtHashFor { get; set; } = AccessToken;

    /// <summary>Replaces the signed ID token (an unsigned one, say) before it is returned.</summary>
    public Func<string, string>? ReplaceIdToken { get; set; }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Calls++;
        if (request.RequestUri?.ToString() != idp.Configuration.TokenEndpoint)
            Problems.Add($"unexpected URI {request.RequestUri}");

        var expectedBasic = Convert.ToBase64String(Encoding.UTF8.GetBytes("demo-portal:demo-portal-secret-change-me"));
        if (request.Headers.Authorization is not { Scheme: "Basic" } basic || basic.Parameter != expectedBasic)
            Problems.Add("no client_secret_basic");

        var form = QueryHelpers.ParseQuery(await request.Content!.ReadAsStringAsync(cancellationToken));
        if (form.ContainsKey("client_secret"))
            Problems.Add("client_secret in the body");
        if (form["grant_type"] != "authorization_code" || form["redirect_uri"] != "http://localhost:5100/signin-idp")
            Problems.Add("wrong grant_type or redirect_uri");
        var verifier = form["code_verifier"].ToString();
        var challenge = Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
        if (challenge != CodeChallenge)
            Problems.Add("code_verifier does not match code_challenge");

        var body = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["access_token"] = AccessToken,
            ["token_type"] = "Bearer",
            ["expires_in"] = 3600,
            ["refresh_token"] = "stub-refresh-token",
            ["id_token"] = IdToken(),
        });
        return new HttpResponseMessage(HttpStatusCode.OK)
        {
            Content = new StringContent(body, new MediaTypeHeaderValue("application/json")),
        };
    }

    private string IdToken()
    {
        var idToken = idp.IdToken(DateTimeOffset.UtcNow, Nonce ?? "", AtHashFor, ChangeIdToken, Credentials);
        return ReplaceIdToken is null ? idToken : ReplaceIdToken(idToken);
    }
}
