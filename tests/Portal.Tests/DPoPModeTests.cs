using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Portal.Authentication;
using Portal.BankDetails;

namespace Portal.Tests;

/// <summary><c>Portal:UseDPoP</c>: proofs at the token endpoint (RFC 9449 §5, with a server nonce §8) and at the API (§7.1).</summary>
public sealed class DPoPModeTests : IDisposable
{
    private readonly TestIdp idp = new();
    private readonly StubTokenEndpoint tokenEndpoint;
    private readonly NonceAskingRecorder tokenRecorder;
    private readonly StubApi api = new();
    private readonly NonceAskingRecorder apiRecorder;
    private readonly WebApplicationFactory<Program> factory;
    private readonly HttpClient browser;

    public DPoPModeTests()
    {
        tokenEndpoint = new StubTokenEndpoint(idp);
        tokenRecorder = new NonceAskingRecorder(askForNonce: true) { InnerHandler = tokenEndpoint };
        apiRecorder = new NonceAskingRecorder(askForNonce: false) { InnerHandler = api };
        factory = new WebApplicationFactory<Program>().WithWebHostBuilder(host => host
            .UseSetting("Portal:UseDPoP", "true")
            .ConfigureTestServices(services =>
            {
                services.AddSingleton<IConfigurationManager<OpenIdConnectConfiguration>>(
                    new StaticConfigurationManager<OpenIdConnectConfiguration>(idp.Configuration));
                services.Configure<OpenIdConnectOptions>(PortalAuthenticationDefaults.IdpScheme, oidc => oidc.BackchannelHttpHandler = tokenRecorder);
                services.AddHttpClient<BankDetailsClient>().ConfigurePrimaryHttpMessageHandler(() => apiRecorder);
            }));
        browser = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, BaseAddress = new Uri("http://localhost:5100") });
    }

    public void Dispose()
    {
        browser.Dispose();
        factory.Dispose();
    }

    [Fact]
    public async Task SignInAndApiCall_WithUseDPoP_SendProofsByOneKey()
    {
        var challenge = QueryHelpers.ParseQuery((await browser.GetAsync("/signin?returnUrl=%2Fclaims")).Headers.Location!.Query);
        tokenEndpoint.CodeChallenge = challenge["code_challenge"];
        tokenEndpoint.Nonce = challenge["nonce"];
        var callback = await browser.GetAsync($"/signin-idp?code=stub-code&state={Uri.EscapeDataString(challenge["state"]!)}&iss={Uri.EscapeDataString(TestIdp.Issuer)}");
        Assert.Equal(HttpStatusCode.Found, callback.StatusCode);
        Assert.Empty(tokenEndpoint.Problems);

        // The first token request is answered use_dpop_nonce; the retry carries the nonce.
        Assert.Equal(2, tokenRecorder.Proofs.Count);
        var (header, claims) = tokenRecorder.Proofs[1];
        Assert.Equal("dpop+jwt", header.GetProperty("typ").GetString());
        Assert.Equal("ES256", header.GetProperty("alg").GetString());
        Assert.False(header.GetProperty("jwk").TryGetProperty("d", out _));
        Assert.Equal("POST", claims.GetProperty("htm").GetString());
        Assert.Equal(idp.Configuration.TokenEndpoint, claims.GetProperty("htu").GetString());
        Assert.Equal(NonceAskingRecorder.Nonce, claims.GetProperty("nonce").GetString());

        var page = await browser.GetAsync("/bank-details");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var call = Assert.Single(api.Requests);
        Assert.Equal("DPoP " + StubTokenEndpoint.AccessToken, call.Authorization);
        var (apiHeader, apiClaims) = Assert.Single(apiRecorder.Proofs);
        Assert.Equal("GET", apiClaims.GetProperty("htm").GetString());
        Assert.Equal("http://localhost:5200/api/bank-details", apiClaims.GetProperty("htu").GetString());
        Assert.Equal(Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(StubTokenEndpoint.AccessToken))), apiClaims.GetProperty("ath").GetString());
        Assert.Equal(header.GetProperty("jwk").GetRawText(), apiHeader.GetProperty("jwk").GetRawText());
    }

    private static string Base64Url(byte[] data) => Convert.ToBase64String(data).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>Records the DPoP proofs it sees; optionally answers the first request as a token endpoint asking for a nonce.</summary>
    private sealed class NonceAskingRecorder(bool askForNonce) : DelegatingHandler
    {
        public const string Nonce = "server-nonce-1";
        public List<(JsonElement Header, JsonElement Claims)> Proofs { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.Headers.TryGetValues("DPoP", out var values))
            {
                var parts = values.Single().Split('.');
                Proofs.Add((Decode(parts[0]), Decode(parts[1])));
            }
            if (askForNonce && Proofs.Count == 1)
            {
                var refusal = new HttpResponseMessage(HttpStatusCode.BadRequest)
                {
                    Content = new StringContent("""{"error":"use_dpop_nonce"}""", Encoding.UTF8, "application/json"),
                };
                refusal.Headers.Add("DPoP-Nonce", Nonce);
                return Task.FromResult(refusal);
            }
            return base.SendAsync(request, cancellationToken);
        }

        private static JsonElement Decode(string part)
        {
            var s = part.Replace('-', '+').Replace('_', '/');
            return JsonDocument.Parse(Convert.FromBase64String(s.PadRight(s.Length + (4 - s.Length % 4) % 4, '='))).RootElement.Clone();
        }
    }
}
