using Microsoft.AspNetCore.Identity;

namespace Idp.Accounts;

/// <summary>
/// The roles of staff in the admin area, ASP.NET Identity roles released in the ID token by the <c>roles</c> scope.
/// helpdesk: the reset queue and users; supervisor: also the SLA dashboard and the second approval of staff
/// requests (four-eyes); admin: everything, including staff roles, portals (clients), signing keys and the audit log.
/// </summary>
public static class StaffRoles
{
    public const string Helpdesk = "helpdesk";
    public const string Supervisor = "supervisor";
    public const string Admin = "admin";

    public static readonly IReadOnlyList<string> All = [Helpdesk, Supervisor, Admin];
}

/// <summary>Creates the staff roles when they are missing, in every environment.</summary>
public sealed class StaffRolesInitializer(RoleManager<IdentityRole> roles) : IStartupInitializer
{
    public int Order => 50;

    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        foreach (var name in StaffRoles.All)
        {
            if (await roles.FindByNameAsync(name) is null)
            {
                var result = await roles.CreateAsync(new IdentityRole(name));
                if (!result.Succeeded)
                    throw new InvalidOperationException($"The role {name} could not be created: " + string.Join("; ", result.Errors.Select(e => e.Description)));
            }
        }
    }
}
