using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;
using Portal;
using Portal.Authentication;
using Portal.BankDetails;
using Portal.Security;

var builder = WebApplication.CreateBuilder(args);

// Portal:Authority, ClientId, ClientSecret, … (appsettings.json), checked at start-up.
builder.Services.AddOptions<PortalOptions>().Bind(builder.Configuration.GetSection(PortalOptions.Section))
    .ValidateDataAnnotations().ValidateOnStart();
builder.Services.AddSingleton<IValidateOptions<PortalOptions>, PortalOptionsValidator>();
builder.Services.AddIdpMetadata();          // Idp's discovery document and keys, cached (also used by sign-out)
builder.Services.AddBackChannelLogout();    // sessions Idp has ended (OpenID Connect Back-Channel Logout 1.0)
builder.Services.AddSingleton<IdpEvents>();
builder.Services.AddSingleton<Portal.DPoP.DPoPProofFactory>();
builder.Services.AddBankDetailsClient();

builder.Services.AddAuthentication(authentication =>
    {
        authentication.DefaultScheme = PortalAuthenticationDefaults.CookieScheme;       // the portal's own session
        authentication.DefaultChallengeScheme = PortalAuthenticationDefaults.IdpScheme; // sign-in goes to Idp
    })
    .AddCookie(PortalAuthenticationDefaults.CookieScheme, cookie =>
    {
        cookie.Cookie.Name = "portal.session";
        cookie.Cookie.SameSite = SameSiteMode.Lax;
        cookie.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        cookie.ExpireTimeSpan = TimeSpan.FromHours(8);
        cookie.SlidingExpiration = false;
        cookie.Events.OnValidatePrincipal = BackChannelLogout.RejectEndedSessionAsync; // Idp said this sid has ended
    })
    .AddOpenIdConnect(PortalAuthenticationDefaults.IdpScheme, "Idp", _ => { });

builder.Services.AddOptions<OpenIdConnectOptions>(PortalAuthenticationDefaults.IdpScheme)
    .Configure<IOptions<PortalOptions>, IConfigurationManager<OpenIdConnectConfiguration>>((oidc, portalOptions, idpConfiguration) =>
    {
        var portal = portalOptions.Value;
        oidc.Authority = portal.Authority;
        oidc.ConfigurationManager = idpConfiguration;    // discovery and JWKS, refreshed when Idp rotates its keys
        oidc.ClientId = portal.ClientId;
        oidc.ClientSecret = portal.ClientSecret;         // sent with HTTP Basic: see IdpEvents.AuthorizationCodeReceived
        oidc.CallbackPath = portal.CallbackPath;

        // Authorization code flow with PKCE (S256); the answer comes back as a query redirect.
        oidc.ResponseType = OpenIdConnectResponseType.Code;
        oidc.ResponseMode = OpenIdConnectResponseMode.Query;
        oidc.UsePkce = true;
        // Parameters in the front channel, as Idp's clients are registered today; PAR (RFC 9126) is a later switch.
        oidc.PushedAuthorizationBehavior = PushedAuthorizationBehavior.Disable;
        oidc.Scope.Clear();
        foreach (var scope in portal.Scopes)
            oidc.Scope.Add(scope);

        // The user is the ID token's claims under their JWT names (sub, name, acr, amr, auth_time, sid).
        oidc.MapInboundClaims = false;
        oidc.ClaimActions.Remove("acr");                // the framework drops acr by default; step-up needs it
        oidc.ClaimActions.DeleteClaims("jti", "s_hash");
        oidc.TokenValidationParameters.NameClaimType = "name";
        oidc.TokenValidationParameters.RoleClaimType = "role";
        oidc.TokenValidationParameters.ValidAlgorithms = [SecurityAlgorithms.RsaSha256, SecurityAlgorithms.EcdsaSha256];
        oidc.TokenValidationParameters.ClockSkew = TimeSpan.FromMinutes(1);
        oidc.GetClaimsFromUserInfoEndpoint = false;      // the ID token carries what the portal shows

        oidc.SaveTokens = true;                          // id_token for sign-out, access_token for the API
        oidc.SignInScheme = PortalAuthenticationDefaults.CookieScheme;
        oidc.DisableTelemetry = true;
        oidc.EventsType = typeof(IdpEvents);             // step-up, RFC 9207 iss, client_secret_basic, error page

        // A top-level GET redirect brings Lax cookies back; SameAsRequest lets them work on http://localhost.
        oidc.CorrelationCookie.SameSite = oidc.NonceCookie.SameSite = SameSiteMode.Lax;
        oidc.CorrelationCookie.SecurePolicy = oidc.NonceCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
    });

builder.Services.AddRazorPages(pages => pages.Conventions.AuthorizePage("/Claims"));

var app = builder.Build();

if (!app.Environment.IsDevelopment())
    app.UseExceptionHandler("/error");

app.UseSecurityHeaders(app.Services.GetRequiredService<IOptions<PortalOptions>>().Value.AuthorityOrigin);
app.UseStaticFiles();
app.UseRouting();
app.UseAuthentication();
app.UseAuthorization();
app.MapRazorPages();
app.MapBackChannelLogout("/backchannel-logout"); // register http(s)://portal/backchannel-logout at Idp

await app.RunAsync();

public partial class Program;
