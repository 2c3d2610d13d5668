using Idp.Configuration;
using Idp.Data.Entities;
using Idp.Protocol.Clients;
using Idp.Protocol.Tokens;

namespace Idp.Protocol.Authorize;

/// <summary>
/// Validates an authorization request (RFC 6749 §4.1.1, OpenID Connect Core §3.1.2.1, RFC 7636, RFC 9126).
/// The order matters: until the client and redirect URI are verified, errors are shown, not redirected.
/// </summary>
public sealed class AuthorizeRequestValidator(IClientStore clients)
{
    private const int MaxStateLength = 2048;
    private const int MaxNonceLength = 512;
    private const int MaxHintLength = 512;

    private static readonly HashSet<string> KnownPrompts = [PromptValues.None, PromptValues.Login, PromptValues.Consent];
    private static readonly HashSet<string> KnownDisplays = ["page", "popup", "touch", "wap"];

    /// <param name="pushedBy">The authenticated client when the request is pushed (RFC 9126); null at the authorization endpoint.</param>
    /// <param name="source">How the parameters reached the authorization endpoint (ignored when <paramref name="pushedBy"/> is set).</param>
    public async Task<AuthorizeValidation> ValidateAsync(RequestParameters parameters, Client? pushedBy = null, CancellationToken cancellationToken = default,
        AuthorizeRequestSource source = AuthorizeRequestSource.FrontChannel)
    {
        // The client and its redirect URI first: nothing may be sent anywhere before both are verified.
        var clientId = parameters[Parameters.ClientId];
        if (clientId is null)
            return Page(Errors.InvalidRequest, "client_id is missing.");
        var client = pushedBy ?? await clients.FindAsync(clientId, cancellationToken);
        if (client is null)
            return Page(Errors.InvalidClient, "The client is unknown or disabled.");
        if (pushedBy is not null && clientId != pushedBy.ClientId)
            return Page(Errors.InvalidRequest, "client_id differs from the authenticated client.");

        var scopes = (parameters[Parameters.Scope] ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries).Distinct().ToList();
        var isOpenId = scopes.Contains(Scopes.OpenId);
        var redirectUri = parameters[Parameters.RedirectUri];
        if (redirectUri is null)
        {
            // OpenID Connect Core §3.1.2.1 requires redirect_uri; plain OAuth may omit it when only one is registered (RFC 6749 §3.1.2.3).
            if (isOpenId || client.RedirectUris.Count != 1)
                return Page(Errors.InvalidRequest, "redirect_uri is missing.");
            redirectUri = client.RedirectUris[0];
        }
        else if (!client.RedirectUris.Contains(redirectUri, StringComparer.Ordinal))
        {
            return Page(Errors.InvalidRequest, "redirect_uri is not registered for this client.");
        }
        if (!ClientProfiles.AcceptsRedirectUri(client, redirectUri))
            return Page(Errors.InvalidRequest, "redirect_uri must be https for this client (FAPI 2.0).");

        // From here on errors go back to the client. response_mode first, so they go back the right way.
        var responseMode = parameters[Parameters.ResponseMode] ?? ResponseModes.Query;
        var state = parameters[Parameters.State];
        if (state is { Length: > MaxStateLength })
            return Page(Errors.InvalidRequest, "state is too long.");
        if (responseMode is not (ResponseModes.Query or ResponseModes.FormPost))
            return Redirect(new ErrorDestination(redirectUri, ResponseModes.Query, state), Errors.InvalidRequest, "response_mode must be query or form_post.");
        var destination = new ErrorDestination(redirectUri, responseMode, state);

        // RFC 9126 §5 and FAPI 2.0 §5.3.2.2: this client's requests come only by PAR, and name their redirect URI there.
        if (pushedBy is null && source == AuthorizeRequestSource.FrontChannel && ClientProfiles.RequiresPushedAuthorizationRequests(client))
            return Redirect(destination, Errors.InvalidRequest, "This client must push its authorization requests (PAR, RFC 9126) and send the request_uri.");
        if (pushedBy is not null && !parameters.Has(Parameters.RedirectUri) && ClientProfiles.RequiresRedirectUriParameter(client))
            return Page(Errors.InvalidRequest, "redirect_uri is missing.");

        if (parameters.Has(Parameters.Request))
            return Redirect(destination, Errors.RequestNotSupported, "Request objects are not supported; use pushed authorization requests.");
        if (parameters.Has(Parameters.RequestUri))
            return Redirect(destination, pushedBy is null ? Errors.RequestUriNotSupported : Errors.InvalidRequest,
                pushedBy is null ? "request_uri must come from the pushed authorization request endpoint." : "request_uri cannot be pushed.");
        if (parameters.Has(Parameters.Registration))
            return Redirect(destination, Errors.RegistrationNotSupported, "The registration parameter is not supported.");

        var responseType = parameters[Parameters.ResponseType];
        if (responseType is null)
            return Redirect(destination, Errors.InvalidRequest, "response_type is missing.");
        if (responseType != "code")
            return Redirect(destination, Errors.UnsupportedResponseType, "Only response_type=code is supported.");
        if (!client.AllowedGrantTypes.Contains(GrantTypes.AuthorizationCode))
            return Redirect(destination, Errors.UnauthorizedClient, "The client may not use the authorization code flow.");

        if (scopes.Count == 0)
            return Redirect(destination, Errors.InvalidScope, "scope is missing.");
        var notAllowed = scopes.Where(s => !client.AllowedScopes.Contains(s)).ToList();
        if (notAllowed.Count > 0)
            return Redirect(destination, Errors.InvalidScope, $"The client may not request: {string.Join(' ', notAllowed.Take(5))}.");

        // RFC 7636 and RFC 9700 §2.1.1: S256 only; required for public clients and for every client by default.
        var challenge = parameters[Parameters.CodeChallenge];
        var method = parameters[Parameters.CodeChallengeMethod];
        if (challenge is null)
        {
            if (ClientProfiles.RequiresPkce(client))
                return Redirect(destination, Errors.InvalidRequest, "code_challenge is required (PKCE with S256).");
            if (method is not null)
                return Redirect(destination, Errors.InvalidRequest, "code_challenge_method without code_challenge.");
        }
        else
        {
            if (method is null)
                return Redirect(destination, Errors.InvalidRequest, "code_challenge_method is required and must be S256.");
            if (method != "S256")
                return Redirect(destination, Errors.InvalidRequest, "Only code_challenge_method=S256 is supported.");
            if (!Pkce.IsValidS256Challenge(challenge))
                return Redirect(destination, Errors.InvalidRequest, "code_challenge is not a base64url SHA-256 value.");
        }

        var nonce = parameters[Parameters.Nonce];
        if (nonce is { Length: > MaxNonceLength })
            return Redirect(destination, Errors.InvalidRequest, "nonce is too long.");

        var prompt = (parameters[Parameters.Prompt] ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);
        if (prompt.FirstOrDefault(p => !KnownPrompts.Contains(p)) is { } unknownPrompt)
            return Redirect(destination, Errors.InvalidRequest, $"prompt value '{Trim(unknownPrompt)}' is not supported.");
        if (prompt.Contains(PromptValues.None) && prompt.Count > 1)
            return Redirect(destination, Errors.InvalidRequest, "prompt=none cannot be combined with other values.");

        int? maxAge = null;
        if (parameters[Parameters.MaxAge] is { } maxAgeText)
        {
            if (!int.TryParse(maxAgeText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var parsed))
                return Redirect(destination, Errors.InvalidRequest, "max_age must be a non-negative whole number of seconds.");
            maxAge = parsed;
        }

        if (parameters[Parameters.Display] is { } display && !KnownDisplays.Contains(display))
            return Redirect(destination, Errors.InvalidRequest, "display must be page, popup, touch or wap.");

        var loginHint = parameters[Parameters.LoginHint];
        if (loginHint is { Length: > MaxHintLength })
            return Redirect(destination, Errors.InvalidRequest, "login_hint is too long.");

        var claimsJson = parameters[Parameters.Claims];
        if (!ClaimsRequest.TryParse(claimsJson, out var claimsRequest))
            return Redirect(destination, Errors.InvalidRequest, "claims is not a valid claims request (OpenID Connect Core §5.5).");

        // RFC 9449 §10: the thumbprint of the DPoP key that must redeem the code (base64url SHA-256, 43 characters).
        var dpopJkt = parameters[DPoP.DPoPRequests.JktParameter];
        if (dpopJkt is not null && !(dpopJkt.Length == 43 && dpopJkt.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_')))
            return Redirect(destination, Errors.InvalidRequest, "dpop_jkt must be a base64url SHA-256 JWK thumbprint (RFC 9449 §10).");

        return new AuthorizeValidation.Valid(new AuthorizeRequest
        {
            Client = client,
            Raw = parameters,
            RedirectUri = redirectUri,
            ResponseMode = responseMode,
            State = state,
            Scopes = scopes,
            Nonce = nonce,
            CodeChallenge = challenge,
            Prompt = prompt,
            MaxAge = maxAge,
            LoginHint = loginHint,
            IdTokenHint = parameters[Parameters.IdTokenHint],
            UiLocales = Split(parameters[Parameters.UiLocales]),
            AcrValues = Split(parameters[Parameters.AcrValues]),
            EssentialAcrValues = claimsRequest.EssentialAcr,
            ClaimsJson = claimsJson,
            DPoPJkt = dpopJkt,
        });
    }

    private static List<string> Split(string? value) => (value ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries).ToList();

    private static string Trim(string value) => value.Length <= 20 ? value : value[..20];

    private static AuthorizeValidation.ErrorPage Page(string error, string description) => new(new ProtocolError(error, description));

    private static AuthorizeValidation.ErrorRedirect Redirect(ErrorDestination destination, string error, string description) =>
        new(destination, new ProtocolError(error, description));
}

/// <summary>How an authorization request's parameters reached the authorization endpoint.</summary>
public enum AuthorizeRequestSource
{
    /// <summary>In the browser's query or form.</summary>
    FrontChannel,

    /// <summary>From a <c>request_uri</c> the client pushed (RFC 9126).</summary>
    Pushed,

    /// <summary>A request parked while the user interacted: it passed validation when it first arrived.</summary>
    Resumed,
}
