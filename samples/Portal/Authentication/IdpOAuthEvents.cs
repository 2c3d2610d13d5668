using System.Text.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OAuth;

namespace Portal.Authentication;

/// <summary>Turns Idp's token response into the portal's user: validates the ID token and builds the principal from it.</summary>
public sealed class IdpOAuthEvents(IdpMetadata metadata, IdTokenValidator validator, ILogger<IdpOAuthEvents> logger) : OAuthEvents
{
    public override async Task CreatingTicket(OAuthCreatingTicketContext context)
    {
        var idToken = context.TokenResponse.Response?.RootElement is { ValueKind: JsonValueKind.Object } response
            && response.TryGetProperty("id_token", out var value) && value.ValueKind == JsonValueKind.String
                ? value.GetString()
                : null;
        if (string.IsNullOrEmpty(idToken))
            throw Reject("the token response has no id_token (was the openid scope granted?).");

        if (!context.Properties.Items.TryGetValue(PortalAuthenticationDefaults.NonceItem, out var nonce) || string.IsNullOrEmpty(nonce))
            throw Reject("the authorization request's nonce is missing from the state.");

        var cancellationToken = context.HttpContext.RequestAborted;
        var configuration = await metadata.GetConfigurationAsync(cancellationToken);
        var expected = new IdTokenExpectations(configuration.Issuer, context.Options.ClientId, nonce, context.AccessToken);
        var result = await validator.ValidateAsync(idToken, expected, configuration.SigningKeys);
        if (result.UnknownSigningKey)
        {
            // Idp may have rotated its keys since the JWKS was cached.
            Log.UnknownSigningKey(logger);
            metadata.RequestRefresh();
            configuration = await metadata.GetConfigurationAsync(cancellationToken);
            result = await validator.ValidateAsync(idToken, expected, configuration.SigningKeys);
        }

        if (result.Token is null)
            throw Reject(result.Error ?? "invalid ID token.");

        context.Properties.Items.Remove(PortalAuthenticationDefaults.NonceItem);
        context.Principal = IdTokenPrincipal.Create(result.Token, context.Scheme.Name);

        if (context.Options.SaveTokens)
        {
            // The OAuth handler saves access and refresh tokens; the ID token is OpenID Connect's, so it is added here.
            var tokens = context.Properties.GetTokens().ToList();
            tokens.Add(new AuthenticationToken { Name = PortalAuthenticationDefaults.IdTokenName, Value = idToken });
            context.Properties.StoreTokens(tokens);
        }

        result.Token.TryGetPayloadValue<string>("acr", out var acr);
        Log.SignedIn(logger, result.Token.Subject, acr);
    }

    public override Task RemoteFailure(RemoteFailureContext context)
    {
        var reason = context.Failure?.Data["error"] as string == "access_denied" ? ErrorPage.AccessDenied
            : context.Failure?.Message == ErrorPage.IdpUnavailable ? ErrorPage.IdpUnavailable
            : ErrorPage.SignInFailed;
        Log.RemoteFailure(logger, context.Failure, reason);
        context.Response.Redirect(ErrorPage.Path(context.Request, reason));
        context.HandleResponse();
        return Task.CompletedTask;
    }

    private AuthenticationFailureException Reject(string reason)
    {
        Log.IdTokenRejected(logger, reason);
        return new AuthenticationFailureException("The ID token was rejected: " + reason);
    }
}
