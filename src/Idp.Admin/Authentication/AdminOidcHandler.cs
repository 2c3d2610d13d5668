using System.Buffers.Text;
using System.Net.Http.Headers;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OAuth;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace Idp.Admin.Authentication;

/// <summary>
/// Staff sign in through Idp: the framework's OAuth handler (state, correlation cookie, PKCE S256) with what OpenID
/// Connect adds: endpoints from discovery, a nonce, <c>acr_values</c> for step-up, the response's <c>iss</c> (RFC 9207),
/// client_secret_basic, and the ID token validated (OpenID Connect Core §3.1.3.7) before it becomes the session.
/// </summary>
public sealed class AdminOidcHandler(
    IOptionsMonitor<OAuthOptions> options,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    IdpMetadata metadata,
    TimeProvider clock)
    : OAuthHandler<OAuthOptions>(options, loggerFactory, encoder)
{
    private static readonly JsonWebTokenHandler TokenHandler = new() { MapInboundClaims = false };
    private static readonly HashSet<string> ProtocolClaims =
        ["iss", "aud", "exp", "iat", "nbf", "nonce", "azp", "jti", "at_hash", "c_hash", "s_hash", "roles"];

    private OpenIdConnectConfiguration? _configuration;

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        try
        {
            _configuration = await metadata.GetAsync(Context.RequestAborted);
        }
        catch (Exception exception) when (exception is InvalidOperationException or HttpRequestException or IOException)
        {
            Logger.LogWarning("Idp's discovery document could not be read: {Message}", exception.Message);
            Response.Redirect("/signin-failed?reason=unavailable");
            return;
        }
        await base.HandleChallengeAsync(properties);
    }

    protected override string BuildChallengeUrl(AuthenticationProperties properties, string redirectUri)
    {
        var nonce = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        properties.Items[AdminAuthenticationDefaults.NonceItem] = nonce;
        var frameworkUrl = base.BuildChallengeUrl(properties, redirectUri);
        var parameters = QueryHelpers.ParseQuery(frameworkUrl[frameworkUrl.IndexOf('?', StringComparison.Ordinal)..]);
        parameters["nonce"] = nonce;
        if (properties.Items.TryGetValue(AdminAuthenticationDefaults.AcrValuesItem, out var acrValues) && !string.IsNullOrEmpty(acrValues))
            parameters["acr_values"] = acrValues;
        return QueryHelpers.AddQueryString(_configuration!.AuthorizationEndpoint, parameters);
    }

    protected override async Task<HandleRequestResult> HandleRemoteAuthenticateAsync()
    {
        try
        {
            _configuration = await metadata.GetAsync(Context.RequestAborted);
        }
        catch (Exception exception) when (exception is InvalidOperationException or HttpRequestException or IOException)
        {
            return HandleRequestResult.Fail("Idp is not reachable: " + exception.Message);
        }

        // RFC 9207: Idp names itself in every authorization response; a different or missing iss is a mix-up.
        var iss = Request.Query["iss"].ToString();
        if (!string.Equals(iss.TrimEnd('/'), _configuration.Issuer.TrimEnd('/'), StringComparison.Ordinal))
            return HandleRequestResult.Fail("The authorization response's iss is not Idp's issuer.");
        return await base.HandleRemoteAuthenticateAsync();
    }

    protected override async Task<OAuthTokenResponse> ExchangeCodeAsync(OAuthCodeExchangeContext context)
    {
        var parameters = new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["code"] = context.Code,
            ["redirect_uri"] = context.RedirectUri,
        };
        if (context.Properties.Items.TryGetValue(OAuthConstants.CodeVerifierKey, out var verifier) && verifier is not null)
        {
            parameters[OAuthConstants.CodeVerifierKey] = verifier;
            context.Properties.Items.Remove(OAuthConstants.CodeVerifierKey);
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, _configuration!.TokenEndpoint);
        request.Content = new FormUrlEncodedContent(parameters);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(
            $"{Uri.EscapeDataString(Options.ClientId)}:{Uri.EscapeDataString(Options.ClientSecret)}")));

        using var response = await Backchannel.SendAsync(request, Context.RequestAborted);
        var body = await response.Content.ReadAsStringAsync(Context.RequestAborted);
        JsonDocument payload;
        try
        {
            payload = JsonDocument.Parse(body);
        }
        catch (JsonException)
        {
            return OAuthTokenResponse.Failed(new AuthenticationFailureException($"Idp's token endpoint answered {(int)response.StatusCode} without JSON."));
        }
        if (response.IsSuccessStatusCode)
            return OAuthTokenResponse.Success(payload);
        using (payload)
        {
            var error = payload.RootElement.TryGetProperty("error", out var e) ? e.GetString() : null;
            return OAuthTokenResponse.Failed(new AuthenticationFailureException($"Idp's token endpoint answered {(int)response.StatusCode}: {error}"));
        }
    }

    protected override async Task<AuthenticationTicket> CreateTicketAsync(ClaimsIdentity identity, AuthenticationProperties properties, OAuthTokenResponse tokens)
    {
        var idToken = tokens.Response?.RootElement.TryGetProperty("id_token", out var value) == true ? value.GetString() : null;
        if (string.IsNullOrEmpty(idToken))
            throw new AuthenticationFailureException("The token response has no id_token.");
        if (!properties.Items.TryGetValue(AdminAuthenticationDefaults.NonceItem, out var nonce) || string.IsNullOrEmpty(nonce))
            throw new AuthenticationFailureException("The nonce is missing from the state.");

        var token = await ValidateAsync(idToken, nonce, tokens.AccessToken);
        if (token is null)
        {
            metadata.RequestRefresh(); // the keys may have rotated since the JWKS was cached
            _configuration = await metadata.GetAsync(Context.RequestAborted);
            token = await ValidateAsync(idToken, nonce, tokens.AccessToken)
                ?? throw new AuthenticationFailureException("The ID token was rejected.");
        }

        properties.Items.Remove(AdminAuthenticationDefaults.NonceItem);
        var claims = token.Claims.Where(c => !ProtocolClaims.Contains(c.Type)).ToList();
        claims.AddRange(token.Claims.Where(c => c.Type == "roles").Select(c => new Claim(ClaimTypes.Role, c.Value)));
        if (properties.Items.ContainsKey(AdminAuthenticationDefaults.AcrValuesItem))
            claims.Add(new Claim(AdminAuthenticationDefaults.SteppedUpClaim, "true"));
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, Scheme.Name, "name", ClaimTypes.Role));
        properties.StoreTokens([new AuthenticationToken { Name = AdminAuthenticationDefaults.IdTokenName, Value = idToken }]);
        return new AuthenticationTicket(principal, properties, Scheme.Name);
    }

    /// <returns>The validated token, or null when it fails (logged).</returns>
    private async Task<JsonWebToken?> ValidateAsync(string idToken, string nonce, string? accessToken)
    {
        var configuration = _configuration!;
        var parameters = new TokenValidationParameters
        {
            ValidIssuer = configuration.Issuer,
            ValidAudience = Options.ClientId,
            IssuerSigningKeys = configuration.SigningKeys,
            ValidAlgorithms = [SecurityAlgorithms.RsaSha256, SecurityAlgorithms.EcdsaSha256],
            RequireSignedTokens = true,
            RequireExpirationTime = true,
            LifetimeValidator = (notBefore, expires, _, _) =>
            {
                var now = clock.GetUtcNow().UtcDateTime;
                return expires is { } exp && now < exp.AddMinutes(1) && (notBefore is not { } nbf || nbf.AddMinutes(-1) <= now);
            },
        };
        var result = await TokenHandler.ValidateTokenAsync(idToken, parameters);
        if (!result.IsValid)
        {
            Logger.LogWarning("The ID token was rejected: {Reason}", result.Exception?.GetType().Name);
            return null;
        }

        var token = (JsonWebToken)result.SecurityToken;
        string? problem = null;
        if (string.IsNullOrEmpty(token.Subject))
            problem = "no sub";
        else if (!token.TryGetPayloadValue<string>("nonce", out var tokenNonce) || !FixedTimeEquals(tokenNonce, nonce))
            problem = "nonce differs";
        else if (token.TryGetPayloadValue<string>("azp", out var azp) && azp != Options.ClientId)
            problem = "azp is another client";
        else if (token.TryGetPayloadValue<string>("at_hash", out var atHash)
                 && (accessToken is null || !FixedTimeEquals(atHash, LeftHalfSha256(accessToken))))
            problem = "at_hash differs";
        if (problem is null)
            return token;
        throw new AuthenticationFailureException("The ID token was rejected: " + problem);
    }

    private static string LeftHalfSha256(string value) =>
        Base64Url.EncodeToString(SHA256.HashData(Encoding.ASCII.GetBytes(value)).AsSpan(0, 16));

    private static bool FixedTimeEquals(string? actual, string expected) =>
        actual is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(actual), Encoding.UTF8.GetBytes(expected));
}
