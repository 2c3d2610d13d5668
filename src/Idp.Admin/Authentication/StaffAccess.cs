using System.Security.Claims;
using Idp.Accounts;
using Idp.Authentication;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Infrastructure;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.Extensions.Options;

namespace Idp.Admin.Authentication;

/// <summary>
/// Who may do what. helpdesk: the queue and users; supervisor: also the dashboard, escalations and the second
/// approval (four-eyes) and the audit log; admin: everything (portals, signing keys). Every policy also demands
/// the session level <c>IdpAdmin:RequiredAcr</c>.
/// </summary>
public static class StaffPolicies
{
    public const string Staff = "staff";
    public const string Supervisor = "supervisor";
    public const string Admin = "admin";

    public static void Configure(AuthorizationOptions options)
    {
        var staff = Build(StaffRoles.Helpdesk, StaffRoles.Supervisor, StaffRoles.Admin);
        options.AddPolicy(Staff, staff);
        options.AddPolicy(Supervisor, Build(StaffRoles.Supervisor, StaffRoles.Admin));
        options.AddPolicy(Admin, Build(StaffRoles.Admin));
        options.DefaultPolicy = staff;
        options.FallbackPolicy = staff;
    }

    private static AuthorizationPolicy Build(params string[] roles) => new AuthorizationPolicyBuilder()
        .RequireAuthenticatedUser()
        .RequireRole(roles)
        .AddRequirements(new StaffLevelRequirement())
        .Build();

    public static bool IsSupervisor(this ClaimsPrincipal user) => user.IsInRole(StaffRoles.Supervisor) || user.IsInRole(StaffRoles.Admin);
    public static bool IsAdmin(this ClaimsPrincipal user) => user.IsInRole(StaffRoles.Admin);
    public static string Subject(this ClaimsPrincipal user) => user.FindFirstValue("sub") ?? throw new InvalidOperationException("The staff session has no sub.");
}

/// <summary>The staff session reached <c>IdpAdmin:RequiredAcr</c> (its <c>acr</c> from Idp's ID token).</summary>
public sealed class StaffLevelRequirement : IAuthorizationRequirement;

public sealed class StaffLevelHandler(IOptions<AdminOptions> options) : AuthorizationHandler<StaffLevelRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, StaffLevelRequirement requirement)
    {
        if (StaffLevel.Reaches(context.User, options.Value.RequiredAcr))
            context.Succeed(requirement);
        return Task.CompletedTask;
    }
}

public static class StaffLevel
{
    public static bool Reaches(ClaimsPrincipal user, string requiredAcr) =>
        AuthenticationLevels.FromAcr(user.FindFirstValue("acr")) is { } level
        && AuthenticationLevels.FromAcr(requiredAcr) is { } required
        && level >= required;
}

/// <summary>
/// A staff member without a staff role gets the 403 page; one with a role whose session is below the required level
/// is sent back to Idp with <c>acr_values</c> (step-up), once: if Idp still answers with less, the 403 page says why.
/// </summary>
public sealed class StaffAuthorizationResultHandler(IOptions<AdminOptions> options) : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult result)
    {
        if (result.Forbidden && result.AuthorizationFailure is { } failure
            && !failure.FailedRequirements.OfType<RolesAuthorizationRequirement>().Any()
            && failure.FailedRequirements.OfType<StaffLevelRequirement>().Any())
        {
            if (context.User.HasClaim(AdminAuthenticationDefaults.SteppedUpClaim, "true"))
            {
                context.Response.Redirect("/forbidden?reason=level");
                return;
            }
            var properties = new AuthenticationProperties { RedirectUri = context.Request.Method == HttpMethods.Get ? context.Request.PathBase + context.Request.Path + context.Request.QueryString : "/" };
            properties.Items[AdminAuthenticationDefaults.AcrValuesItem] = options.Value.RequiredAcr;
            await context.ChallengeAsync(AdminAuthenticationDefaults.IdpScheme, properties);
            return;
        }
        await _default.HandleAsync(next, context, policy, result);
    }
}
