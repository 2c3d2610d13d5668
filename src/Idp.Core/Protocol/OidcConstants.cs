namespace Idp.Protocol;

public static class EndpointPaths
{
    public const string Discovery = "/.well-known/openid-configuration";
    public const string OAuthMetadata = "/.well-known/oauth-authorization-server";
    public const string Jwks = "/.well-known/jwks";
    public const string Authorize = "/connect/authorize";
    public const string AuthorizeResume = "/connect/authorize/resume";
    public const string PushedAuthorization = "/connect/par";
    public const string Token = "/connect/token";
    public const string UserInfo = "/connect/userinfo";
    public const string EndSession = "/connect/endsession";
    public const string Revocation = "/connect/revocation";
    public const string Introspection = "/connect/introspect";
}

public static class Parameters
{
    public const string ClientId = "client_id";
    public const string ClientSecret = "client_secret";
    public const string ResponseType = "response_type";
    public const string ResponseMode = "response_mode";
    public const string RedirectUri = "redirect_uri";
    public const string Scope = "scope";
    public const string State = "state";
    public const string Nonce = "nonce";
    public const string Prompt = "prompt";
    public const string MaxAge = "max_age";
    public const string LoginHint = "login_hint";
    public const string IdTokenHint = "id_token_hint";
    public const string UiLocales = "ui_locales";
    public const string AcrValues = "acr_values";
    public const string Claims = "claims";
    public const string Display = "display";
    public const string CodeChallenge = "code_challenge";
    public const string CodeChallengeMethod = "code_challenge_method";
    public const string CodeVerifier = "code_verifier";
    public const string Request = "request";
    public const string RequestUri = "request_uri";
    public const string Registration = "registration";
    public const string GrantType = "grant_type";
    public const string Code = "code";
    public const string RefreshToken = "refresh_token";
    public const string Token = "token";
    public const string TokenTypeHint = "token_type_hint";
    public const string PostLogoutRedirectUri = "post_logout_redirect_uri";
    public const string LogoutHint = "logout_hint";
    public const string Issuer = "iss";
    public const string Error = "error";
    public const string ErrorDescription = "error_description";
    public const string AccessToken = "access_token";
}

public static class GrantTypes
{
    public const string AuthorizationCode = "authorization_code";
    public const string RefreshToken = "refresh_token";
    public const string ClientCredentials = "client_credentials";
}

public static class Scopes
{
    public const string OpenId = "openid";
    public const string Profile = "profile";
    public const string Email = "email";
    public const string OfflineAccess = "offline_access";

    /// <summary>Releases the <c>roles</c> claim: the user's roles (helpdesk, supervisor, admin) in the ID token.</summary>
    public const string Roles = "roles";

    /// <summary>Scopes that speak of a user, so they make no sense without one (client_credentials).</summary>
    public static readonly HashSet<string> UserScopes = [OpenId, Profile, Email, OfflineAccess, Roles];
}

public static class ResponseModes
{
    public const string Query = "query";
    public const string FormPost = "form_post";
}

public static class PromptValues
{
    public const string None = "none";
    public const string Login = "login";
    public const string Consent = "consent";
}

/// <summary>Error codes of RFC 6749, OpenID Connect Core, RFC 9126 and RFC 9470.</summary>
public static class Errors
{
    public const string InvalidRequest = "invalid_request";
    public const string InvalidClient = "invalid_client";
    public const string InvalidGrant = "invalid_grant";
    public const string UnauthorizedClient = "unauthorized_client";
    public const string UnsupportedGrantType = "unsupported_grant_type";
    public const string UnsupportedResponseType = "unsupported_response_type";
    public const string InvalidScope = "invalid_scope";
    public const string AccessDenied = "access_denied";
    public const string ServerError = "server_error";
    public const string LoginRequired = "login_required";
    public const string ConsentRequired = "consent_required";
    public const string InteractionRequired = "interaction_required";
    public const string RequestNotSupported = "request_not_supported";
    public const string RequestUriNotSupported = "request_uri_not_supported";
    public const string RegistrationNotSupported = "registration_not_supported";
    public const string InvalidRequestUri = "invalid_request_uri";
    public const string InvalidToken = "invalid_token";
    public const string InsufficientScope = "insufficient_scope";
    public const string UnmetAuthenticationRequirements = "unmet_authentication_requirements";
}

/// <summary>An OAuth error: the code and a description for the developer (never a secret).</summary>
public sealed record ProtocolError(string Error, string? Description = null);
