using System.Buffers.Text;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OAuth;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace Portal.Authentication;

/// <summary>
/// The framework's OAuth handler (state, correlation cookie, PKCE S256, saving tokens), pointed at Idp:
/// <list type="bullet">
/// <item>the authorization and token endpoints come from Idp's discovery document;</item>
/// <item>each authorization request carries a fresh <c>nonce</c>, kept in the protected state;</item>
/// <item>a step-up challenge (<see cref="StepUpRequest"/>) adds <c>acr_values</c> and <c>max_age</c>;</item>
/// <item>the authorization response's <c>iss</c> (RFC 9207) is checked before the code is redeemed;</item>
/// <item>the code is redeemed with client_secret_basic (RFC 6749 §2.3.1), with a DPoP proof when <c>Portal:UseDPoP</c> is on (RFC 9449 §5).</item>
/// </list>
/// The ID token is validated in <see cref="IdpOAuthEvents.CreatingTicket"/>.
/// </summary>
public sealed class IdpOAuthHandler(
    IOptionsMonitor<OAuthOptions> options,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    IdpMetadata metadata,
    DPoP.DPoPProofFactory dpop)
    : OAuthHandler<OAuthOptions>(options, loggerFactory, encoder)
{
    private OpenIdConnectConfiguration? configuration;

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        configuration = await metadata.TryGetConfigurationAsync(Context.RequestAborted);
        if (configuration is null)
        {
            Response.Redirect(ErrorPage.Path(Request, ErrorPage.IdpUnavailable));
            return;
        }

        await base.HandleChallengeAsync(properties);
    }

    protected override string BuildChallengeUrl(AuthenticationProperties properties, string redirectUri)
    {
        var authorizationEndpoint = configuration?.AuthorizationEndpoint;
        if (string.IsNullOrEmpty(authorizationEndpoint))
            throw new InvalidOperationException("Idp's discovery document names no authorization_endpoint.");

        // OpenID Connect Core §3.1.2.1 and §15.5.2: a fresh nonce per request. It goes into the properties
        // before the framework protects them into `state`, so the callback can compare it with the ID token.
        var nonce = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        properties.Items[PortalAuthenticationDefaults.NonceItem] = nonce;

        // The framework builds client_id, scope, response_type, redirect_uri, code_challenge(_method) and state;
        // its URL starts with a placeholder endpoint, so only its query is kept.
        var frameworkUrl = base.BuildChallengeUrl(properties, redirectUri);
        var parameters = QueryHelpers.ParseQuery(frameworkUrl[frameworkUrl.IndexOf('?', StringComparison.Ordinal)..]);
        parameters["nonce"] = nonce;

        // Step-up (OpenID Connect Core §3.1.2.1, RFC 9470 §4): a page or the API demanded a level or a fresh authentication.
        // The items stay in the properties, so the session made from the answer remembers what was asked.
        if (StepUpRequest.FromProperties(properties) is { } stepUp)
        {
            if (stepUp.AcrValues is not null)
                parameters["acr_values"] = stepUp.AcrValues;
            if (stepUp.MaxAgeSeconds is { } maxAge)
                parameters["max_age"] = maxAge.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return QueryHelpers.AddQueryString(authorizationEndpoint, parameters);
    }

    protected override async Task<HandleRequestResult> HandleRemoteAuthenticateAsync()
    {
        configuration = await metadata.TryGetConfigurationAsync(Context.RequestAborted);
        if (configuration is null)
            return HandleRequestResult.Fail(ErrorPage.IdpUnavailable);

        if (AuthorizationResponseIssuer.Validate(Request.Query["iss"], configuration) is { } issuerError)
        {
            Log.AuthorizationResponseRejected(Logger, issuerError);
            return HandleRequestResult.Fail(issuerError);
        }

        return await base.HandleRemoteAuthenticateAsync();
    }

    protected override async Task<OAuthTokenResponse> ExchangeCodeAsync(OAuthCodeExchangeContext context)
    {
        var tokenEndpoint = configuration?.TokenEndpoint;
        if (string.IsNullOrEmpty(tokenEndpoint))
            return OAuthTokenResponse.Failed(new InvalidOperationException("Idp's discovery document names no token_endpoint."));

        var parameters = new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["code"] = context.Code,
            ["redirect_uri"] = context.RedirectUri,
        };
        if (context.Properties.Items.TryGetValue(OAuthConstants.CodeVerifierKey, out var codeVerifier) && codeVerifier is not null)
        {
            parameters[OAuthConstants.CodeVerifierKey] = codeVerifier;
            context.Properties.Items.Remove(OAuthConstants.CodeVerifierKey);
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, tokenEndpoint);
        request.Content = new FormUrlEncodedContent(parameters);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        request.Headers.Authorization = ClientSecretBasic(Options.ClientId, Options.ClientSecret);

        using var response = dpop.Enabled
            ? await dpop.SendAsync(request, null, Backchannel.SendAsync, Context.RequestAborted)
            : await Backchannel.SendAsync(request, Context.RequestAborted);
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
            var description = payload.RootElement.TryGetProperty("error_description", out var d) ? d.GetString() : null;
            return OAuthTokenResponse.Failed(new AuthenticationFailureException(
                $"Idp's token endpoint answered {(int)response.StatusCode}: {error ?? "no error code"} {description}".TrimEnd()));
        }
    }

    /// <summary>RFC 6749 §2.3.1: client_id and secret, each form-encoded, joined by ':' and base64-encoded.</summary>
    private static AuthenticationHeaderValue ClientSecretBasic(string clientId, string clientSecret) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Uri.EscapeDataString(clientId)}:{Uri.EscapeDataString(clientSecret)}")));
}
