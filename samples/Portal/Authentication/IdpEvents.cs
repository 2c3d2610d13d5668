using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace Portal.Authentication;

/// <summary>
/// What the portal adds to the framework's OpenID Connect handler (which does state, nonce, PKCE, the ID token checks
/// of OpenID Connect Core §3.1.3.7 and at_hash): step-up parameters, the RFC 9207 <c>iss</c> check, client_secret_basic,
/// and the portal's error page.
/// </summary>
public sealed class IdpEvents(IdpMetadata metadata, DPoP.DPoPProofFactory dpop, ILogger<IdpEvents> logger) : OpenIdConnectEvents
{
    /// <summary>Step-up (OpenID Connect Core §3.1.2.1, RFC 9470 §4): a page or the API demanded a level or a fresh authentication.</summary>
    /// <remarks>The items stay in the properties, so the session made from the answer remembers what was asked.</remarks>
    public override Task RedirectToIdentityProvider(RedirectContext context)
    {
        if (StepUpRequest.FromProperties(context.Properties) is { } stepUp)
        {
            if (stepUp.AcrValues is not null)
                context.ProtocolMessage.AcrValues = stepUp.AcrValues;
            if (stepUp.MaxAgeSeconds is { } maxAge)
                context.ProtocolMessage.MaxAge = maxAge.ToString(CultureInfo.InvariantCulture);
        }

        return Task.CompletedTask;
    }

    /// <summary>RFC 9207: the authorization response must name Idp, checked before anything else (the code is not redeemed otherwise).</summary>
    public override async Task MessageReceived(MessageReceivedContext context)
    {
        var configuration = await metadata.GetConfigurationAsync(context.HttpContext.RequestAborted);
        if (AuthorizationResponseIssuer.Validate(context.Request.Query["iss"], configuration) is { } issuerError)
        {
            Log.AuthorizationResponseRejected(logger, issuerError);
            context.Fail(issuerError);
        }
    }

    /// <summary>
    /// Redeems the code with client_secret_basic (RFC 6749 §2.3.1; the handler would post the secret in the body),
    /// the PKCE verifier and the redirect URI the handler prepared, and a DPoP proof when <c>Portal:UseDPoP</c> is on.
    /// </summary>
    public override async Task AuthorizationCodeReceived(AuthorizationCodeReceivedContext context)
    {
        var request = context.TokenEndpointRequest!;
        var clientId = request.ClientId;
        var clientSecret = request.ClientSecret;
        request.ClientSecret = null;
        request.ClientId = null;

        var configuration = await metadata.GetConfigurationAsync(context.HttpContext.RequestAborted);
        using var message = new HttpRequestMessage(HttpMethod.Post, configuration.TokenEndpoint);
        message.Content = new FormUrlEncodedContent(request.Parameters);
        message.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        message.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(
            $"{Uri.EscapeDataString(clientId)}:{Uri.EscapeDataString(clientSecret)}")));

        // With Portal:UseDPoP the tokens are bound to the portal's key (RFC 9449 §5): the proof goes with the code.
        using var response = dpop.Enabled
            ? await dpop.SendAsync(message, null, context.Backchannel.SendAsync, context.HttpContext.RequestAborted)
            : await context.Backchannel.SendAsync(message, context.HttpContext.RequestAborted);
        var body = await response.Content.ReadAsStringAsync(context.HttpContext.RequestAborted);
        var tokens = response.Content.Headers.ContentType?.MediaType == "application/json" ? new OpenIdConnectMessage(body) : null;
        if (!response.IsSuccessStatusCode || tokens is null || !string.IsNullOrEmpty(tokens.Error))
        {
            context.Fail($"Idp's token endpoint answered {(int)response.StatusCode}: {tokens?.Error ?? "no error code"}");
            return;
        }

        context.HandleCodeRedemption(tokens);
    }

    /// <summary>
    /// The checks the handler leaves out once the code was redeemed here: OpenID Connect Core §3.1.3.7 nonce, sub, iat,
    /// azp and at_hash (the framework's protocol validator, as the handler itself would run it), a signature at all
    /// (the handler accepts an unsigned ID token from the token endpoint; Idp always signs), and step 4 on several audiences.
    /// </summary>
    public override Task TokenValidated(TokenValidatedContext context)
    {
        var token = context.SecurityToken;
        string? problem = null;
        try
        {
            context.Options.ProtocolValidator.ValidateTokenResponse(new OpenIdConnectProtocolValidationContext
            {
                ClientId = context.Options.ClientId,
                ProtocolMessage = context.TokenEndpointResponse,
                ValidatedIdToken = token,
                Nonce = context.Nonce,
            });
        }
        catch (OpenIdConnectProtocolException exception)
        {
            problem = exception.Message;
        }

        if (problem is null && (string.IsNullOrEmpty(token.RawSignature) || !context.Options.TokenValidationParameters.ValidAlgorithms.Contains(token.Header.Alg)))
            problem = "the ID token is not signed with an algorithm Idp uses.";
        if (problem is null && token.Audiences.Count() > 1 && string.IsNullOrEmpty(token.Payload.Azp))
            problem = "the ID token has several audiences but no azp.";
        if (problem is not null)
        {
            Log.IdTokenRejected(logger, problem);
            context.Fail("The ID token was rejected: " + problem);
            return Task.CompletedTask;
        }

        Log.SignedIn(logger, token.Subject, context.Principal?.FindFirst("acr")?.Value);
        return Task.CompletedTask;
    }

    /// <summary>Only a reason code reaches the browser; the details go to the log.</summary>
    public override Task RemoteFailure(RemoteFailureContext context)
    {
        var error = context.Failure?.Data["error"] as string;
        var reason = error switch
        {
            "access_denied" => ErrorPage.AccessDenied,
            "unmet_authentication_requirements" => ErrorPage.StepUpUnmet,
            _ => ErrorPage.SignInFailed,
        };
        Log.RemoteFailure(logger, context.Failure, reason);
        context.Response.Redirect(ErrorPage.Path(context.Request, reason));
        context.HandleResponse();
        return Task.CompletedTask;
    }
}
