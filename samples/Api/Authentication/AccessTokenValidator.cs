using System.Security.Claims;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace Api.Authentication;

/// <summary>The user and client an access token speaks for, or why it was refused (a fixed text, safe to send back).</summary>
public sealed record AccessTokenValidationResult(ClaimsPrincipal? Principal, string? Error)
{
    public static AccessTokenValidationResult Valid(ClaimsPrincipal principal) => new(principal, null);
    public static AccessTokenValidationResult Invalid(string error) => new(null, error);

    /// <summary>RFC 9449 §6.1: the <c>cnf.jkt</c> of a DPoP-bound token; null for a bearer token.</summary>
    public string? BoundThumbprint { get; init; }
}

/// <summary>
/// Validates Idp's JWT access tokens (RFC 9068 §4): signature with a key from Idp's JWKS (RS256/ES256 only),
/// <c>typ</c> at+jwt, <c>iss</c> Idp, <c>aud</c> this API, lifetime on the injected clock, <c>sub</c> and <c>client_id</c> present.
/// </summary>
public sealed class AccessTokenValidator(
    IConfigurationManager<OpenIdConnectConfiguration> configurationManager,
    IOptions<ApiOptions> options,
    TimeProvider clock,
    ILogger<AccessTokenValidator> logger)
{
    private readonly JsonWebTokenHandler handler = new() { MapInboundClaims = false };

    public async Task<AccessTokenValidationResult> ValidateAsync(string accessToken, CancellationToken cancellationToken)
    {
        var configuration = await GetConfigurationAsync(cancellationToken);
        var result = await handler.ValidateTokenAsync(accessToken, Parameters(configuration));
        if (!result.IsValid && result.Exception is SecurityTokenSignatureKeyNotFoundException)
        {
            // Idp may have rotated its keys since the JWKS was cached.
            Log.UnknownSigningKey(logger);
            configurationManager.RequestRefresh();
            configuration = await GetConfigurationAsync(cancellationToken);
            result = await handler.ValidateTokenAsync(accessToken, Parameters(configuration));
        }

        if (!result.IsValid)
        {
            Log.TokenRejected(logger, result.Exception?.GetType().Name ?? "none", result.Exception?.Message ?? "invalid token");
            return AccessTokenValidationResult.Invalid(Describe(result.Exception));
        }

        var token = (JsonWebToken)result.SecurityToken;
        if (string.IsNullOrEmpty(token.Subject))
            return AccessTokenValidationResult.Invalid("The access token has no sub.");
        if (!token.TryGetPayloadValue<string>("client_id", out var clientId) || string.IsNullOrEmpty(clientId))
            return AccessTokenValidationResult.Invalid("The access token has no client_id.");

        var identity = new ClaimsIdentity(result.ClaimsIdentity.Claims, AccessTokenDefaults.Scheme, nameType: "sub", roleType: "role");
        return AccessTokenValidationResult.Valid(new ClaimsPrincipal(identity)) with { BoundThumbprint = BoundThumbprint(token) };
    }

    private static string? BoundThumbprint(JsonWebToken token)
    {
        using var payload = System.Text.Json.JsonDocument.Parse(Base64UrlEncoder.DecodeBytes(token.EncodedPayload));
        return payload.RootElement.TryGetProperty("cnf", out var cnf) && cnf.ValueKind == System.Text.Json.JsonValueKind.Object
            && cnf.TryGetProperty("jkt", out var jkt) && jkt.ValueKind == System.Text.Json.JsonValueKind.String
            ? jkt.GetString()
            : null;
    }

    private TokenValidationParameters Parameters(OpenIdConnectConfiguration configuration) => new()
    {
        ValidIssuer = configuration.Issuer,
        ValidAudience = options.Value.EffectiveAudience,
        IssuerSigningKeys = configuration.SigningKeys,
        ValidAlgorithms = AccessTokenDefaults.Algorithms,
        ValidTypes = AccessTokenDefaults.TokenTypes,
        RequireSignedTokens = true,
        RequireExpirationTime = true,
        ValidateLifetime = true,
        LifetimeValidator = IsWithinLifetime,
        NameClaimType = "sub",
        RoleClaimType = "role",
    };

    private async Task<OpenIdConnectConfiguration> GetConfigurationAsync(CancellationToken cancellationToken)
    {
        OpenIdConnectConfiguration configuration;
        try
        {
            configuration = await configurationManager.GetConfigurationAsync(cancellationToken);
        }
        catch (Exception exception) when (exception is InvalidOperationException or HttpRequestException or IOException)
        {
            throw new IdpUnavailableException($"Idp's discovery document at {options.Value.MetadataAddress} could not be read.", exception);
        }

        // OpenID Connect Discovery 1.0 §4.3: the document must name the issuer whose document we asked for.
        var expected = options.Value.Authority.TrimEnd('/');
        if (!string.Equals(configuration.Issuer?.TrimEnd('/'), expected, StringComparison.Ordinal))
            throw new IdpUnavailableException($"Idp's discovery document names issuer '{configuration.Issuer}', expected '{expected}' (Api:Authority).");
        return configuration;
    }

    private bool IsWithinLifetime(DateTime? notBefore, DateTime? expires, SecurityToken token, TokenValidationParameters parameters)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        return expires is { } exp && now < exp + AccessTokenDefaults.ClockSkew
            && (notBefore is not { } nbf || nbf - AccessTokenDefaults.ClockSkew <= now);
    }

    /// <summary>A fixed description per reason: exception messages stay in the log.</summary>
    private static string Describe(Exception? exception) => exception switch
    {
        SecurityTokenExpiredException or SecurityTokenInvalidLifetimeException or SecurityTokenNoExpirationException
            => "The access token has expired or is not yet valid.",
        SecurityTokenInvalidAudienceException => "The access token is not meant for this API (aud).",
        SecurityTokenInvalidIssuerException => "The access token was not issued by Idp (iss).",
        SecurityTokenInvalidTypeException => "The token is not an access token (typ must be at+jwt).",
        SecurityTokenInvalidAlgorithmException or SecurityTokenInvalidSignatureException or SecurityTokenSignatureKeyNotFoundException
            => "The access token's signature is not valid.",
        SecurityTokenMalformedException => "The access token is not a JWT.",
        _ => "The access token is not valid.",
    };
}
