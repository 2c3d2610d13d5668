using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace Idp.Admin.Authentication;

/// <summary>
/// Staff sign in through Idp with the framework's OpenID Connect handler: code flow with PKCE, nonce, state, the ID token
/// checks of OpenID Connect Core §3.1.3.7. Added here: the response's <c>iss</c> (RFC 9207), <c>acr_values</c> for step-up,
/// a signature required on the ID token, <c>roles</c> as the session's roles, and the sign-in-failed page.
/// </summary>
public static class AdminSignIn
{
    private static readonly string[] Scopes = ["openid", "profile", "email", "roles"];

    public static AuthenticationBuilder AddIdpSignIn(this AuthenticationBuilder authentication)
    {
        authentication.AddOpenIdConnect(AdminAuthenticationDefaults.IdpScheme, "Idp", _ => { });
        authentication.Services.AddOptions<OpenIdConnectOptions>(AdminAuthenticationDefaults.IdpScheme)
            .Configure<IOptions<AdminOptions>, IdpMetadata, IHttpClientFactory, TimeProvider>((oidc, admin, metadata, httpClients, clock) =>
            {
                oidc.Authority = metadata.Authority;
                oidc.ConfigurationManager = metadata.ConfigurationManager;
                oidc.Backchannel = httpClients.CreateClient(AdminAuthenticationDefaults.BackchannelClient);
                oidc.TimeProvider = clock;
                oidc.ClientId = admin.Value.ClientId;
                oidc.ClientSecret = admin.Value.ClientSecret;
                oidc.CallbackPath = admin.Value.CallbackPath;
                oidc.ResponseType = OpenIdConnectResponseType.Code;
                oidc.ResponseMode = OpenIdConnectResponseMode.Query;
                oidc.UsePkce = true;
                // Parameters in the front channel, as Idp's clients are registered today; PAR (RFC 9126) is a later switch.
                oidc.PushedAuthorizationBehavior = PushedAuthorizationBehavior.Disable;
                oidc.Scope.Clear();
                foreach (var scope in Scopes)
                    oidc.Scope.Add(scope);

                oidc.MapInboundClaims = false;
                oidc.ClaimActions.Remove("acr"); // the staff level is the session's acr
                oidc.ClaimActions.DeleteClaims("jti", "s_hash", "roles");
                oidc.TokenValidationParameters.NameClaimType = "name";
                oidc.TokenValidationParameters.RoleClaimType = ClaimTypes.Role;
                oidc.TokenValidationParameters.ValidAlgorithms = [SecurityAlgorithms.RsaSha256, SecurityAlgorithms.EcdsaSha256];
                oidc.TokenValidationParameters.LifetimeValidator = (notBefore, expires, _, _) =>
                {
                    var now = clock.GetUtcNow().UtcDateTime;
                    return expires is { } exp && now < exp.AddMinutes(1) && (notBefore is not { } nbf || nbf.AddMinutes(-1) <= now);
                };
                oidc.GetClaimsFromUserInfoEndpoint = false;
                oidc.SaveTokens = false; // only the ID token is kept (for id_token_hint), in TokenValidated
                oidc.SignInScheme = AdminAuthenticationDefaults.CookieScheme;
                oidc.DisableTelemetry = true;
                oidc.CorrelationCookie.SameSite = oidc.NonceCookie.SameSite = SameSiteMode.Lax;
                oidc.CorrelationCookie.SecurePolicy = oidc.NonceCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;

                oidc.Events.OnRedirectToIdentityProvider = RequestLevel;
                oidc.Events.OnMessageReceived = CheckIssuerAsync;
                oidc.Events.OnTokenValidated = CompleteSession;
                oidc.Events.OnRemoteFailure = ShowFailure;
            });
        return authentication;
    }

    /// <summary>Step-up: the level the staff area requires, asked as <c>acr_values</c> (OpenID Connect Core §3.1.2.1).</summary>
    private static Task RequestLevel(RedirectContext context)
    {
        if (context.Properties.Items.TryGetValue(AdminAuthenticationDefaults.AcrValuesItem, out var acrValues) && !string.IsNullOrEmpty(acrValues))
            context.ProtocolMessage.AcrValues = acrValues;
        return Task.CompletedTask;
    }

    /// <summary>RFC 9207: Idp names itself in every authorization response; a different or missing iss is a mix-up. Checked before the code is redeemed.</summary>
    private static async Task CheckIssuerAsync(MessageReceivedContext context)
    {
        var metadata = context.HttpContext.RequestServices.GetRequiredService<IdpMetadata>();
        var configuration = await metadata.GetAsync(context.HttpContext.RequestAborted);
        var iss = context.Request.Query["iss"];
        if (iss.Count != 1 || !string.Equals(iss[0]?.TrimEnd('/'), configuration.Issuer.TrimEnd('/'), StringComparison.Ordinal))
            context.Fail("The authorization response's iss is not Idp's issuer.");
    }

    private static Task CompleteSession(TokenValidatedContext context)
    {
        // The handler accepts an unsigned ID token from the token endpoint (OpenID Connect Core §3.1.3.7 step 6 allows it
        // over TLS); Idp always signs, so anything else is refused.
        var token = context.SecurityToken;
        if (string.IsNullOrEmpty(token.RawSignature) || !context.Options.TokenValidationParameters.ValidAlgorithms.Contains(token.Header.Alg))
        {
            context.Fail("The ID token is not signed with an algorithm Idp uses.");
            return Task.CompletedTask;
        }

        var identity = (ClaimsIdentity)context.Principal!.Identity!;
        identity.AddClaims(token.Claims.Where(claim => claim.Type == "roles").Select(claim => new Claim(ClaimTypes.Role, claim.Value)));
        if (context.Properties!.Items.ContainsKey(AdminAuthenticationDefaults.AcrValuesItem))
            identity.AddClaim(new Claim(AdminAuthenticationDefaults.SteppedUpClaim, "true"));
        context.Properties.StoreTokens([new AuthenticationToken { Name = AdminAuthenticationDefaults.IdTokenName, Value = token.RawData }]);
        return Task.CompletedTask;
    }

    private static Task ShowFailure(RemoteFailureContext context)
    {
        var error = context.Failure?.Data["error"] as string;
        context.HttpContext.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(AdminSignIn))
            .LogWarning("Staff sign-in failed: {Error} {Message}", error, context.Failure?.Message);
        context.Response.Redirect("/signin-failed" + (error == "access_denied" ? "?reason=denied" : ""));
        context.HandleResponse();
        return Task.CompletedTask;
    }
}
