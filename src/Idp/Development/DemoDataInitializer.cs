using Idp.Accounts;
using Idp.Configuration;
using Idp.Data.Entities;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Idp.Development;

/// <summary>
/// In Development: a demo user with a confirmed e-mail, so the run command can be tried at once. The
/// credentials are printed at start-up; they are never created outside Development.
/// </summary>
public sealed class DemoDataInitializer(
    UserManager<IdpUser> users,
    IOptions<IdpOptions> options,
    IHostEnvironment environment,
    TimeProvider clock,
    ILogger<DemoDataInitializer> logger) : IStartupInitializer
{
    public const string AccountNumber = "1000000001";
    public const string Email = "demo@example.com";
    public const string Password = "demo-password-2026";
    public const string PhoneNumber = "+4915100000001";

    /// <summary>
    /// The bootstrap administrator (roles admin, supervisor, helpdesk), a helpdesk agent, two supervisors and a second
    /// administrator, so both four-eyes walks can be finished: a staff account's reset (a first approval, then a
    /// different supervisor's) and a change of the admin or supervisor role (a second administrator approves).
    /// </summary>
    public const string AdminAccountNumber = "1000000002";
    public const string AdminEmail = "admin@example.com";
    public const string AdminPassword = "admin-password-2026";
    public const string HelpdeskAccountNumber = "1000000003";
    public const string HelpdeskEmail = "helpdesk@example.com";
    public const string HelpdeskPassword = "helpdesk-password-2026";
    public const string SupervisorAccountNumber = "1000000004";
    public const string SupervisorEmail = "supervisor@example.com";
    public const string SupervisorPassword = "supervisor-password-2026";
    public const string SecondSupervisorAccountNumber = "1000000005";
    public const string SecondSupervisorEmail = "supervisor2@example.com";
    public const string SecondSupervisorPassword = "supervisor2-password-2026";
    public const string SecondAdminAccountNumber = "1000000006";
    public const string SecondAdminEmail = "admin2@example.com";
    public const string SecondAdminPassword = "admin2-password-2026";

    public int Order => 100;

    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        if (!environment.IsDevelopment() || !options.Value.SeedDemoData)
            return;

        var existing = await users.FindByNameAsync(AccountNumber);
        if (existing is not null && string.IsNullOrEmpty(existing.PhoneNumber))
        {
            // Demo databases from before push approval: the SMS code needs a number.
            existing.PhoneNumber = PhoneNumber;
            await users.UpdateAsync(existing);
        }
        if (existing is null)
        {
            var user = new IdpUser
            {
                UserName = AccountNumber,
                AccountNumber = AccountNumber,
                Email = Email,
                EmailConfirmed = true,
                GivenName = "Dana",
                FamilyName = "Demo",
                PhoneNumber = PhoneNumber,
                CreatedAt = clock.GetUtcNow(),
            };
            var result = await users.CreateAsync(user, Password);
            if (!result.Succeeded)
                throw new InvalidOperationException("The demo user could not be created: " + string.Join("; ", result.Errors.Select(e => e.Description)));
        }

        // Staff enrol an authenticator at their first sign-in: the admin area asks for the second-factor level.
        await EnsureStaffAsync(AdminAccountNumber, AdminEmail, AdminPassword, "Alex", "Admin", [StaffRoles.Admin, StaffRoles.Supervisor, StaffRoles.Helpdesk]);
        await EnsureStaffAsync(HelpdeskAccountNumber, HelpdeskEmail, HelpdeskPassword, "Hanna", "Helpdesk", [StaffRoles.Helpdesk]);
        await EnsureStaffAsync(SupervisorAccountNumber, SupervisorEmail, SupervisorPassword, "Sina", "Supervisor", [StaffRoles.Supervisor, StaffRoles.Helpdesk]);
        await EnsureStaffAsync(SecondSupervisorAccountNumber, SecondSupervisorEmail, SecondSupervisorPassword, "Sven", "Supervisor", [StaffRoles.Supervisor, StaffRoles.Helpdesk]);
        await EnsureStaffAsync(SecondAdminAccountNumber, SecondAdminEmail, SecondAdminPassword, "Ada", "Admin", [StaffRoles.Admin, StaffRoles.Supervisor, StaffRoles.Helpdesk]);

        var portals = options.Value.Clients.Where(c => c.RedirectUris.Count > 0)
            .Select(c => $"  {c.DisplayName ?? c.ClientId}: {new Uri(c.RedirectUris[0]).GetLeftPart(UriPartial.Authority)}");
        logger.LogInformation(
            "Development demo data:{NewLine}  Idp: {Issuer}{NewLine}  Demo user: account number {AccountNumber} or e-mail {Email}, password {Password}, phone {Phone}{NewLine}  Bootstrap administrator (admin area): account number {AdminAccountNumber}, password {AdminPassword}{NewLine}  Helpdesk agent: account number {HelpdeskAccountNumber}, password {HelpdeskPassword}{NewLine}  Supervisors (four-eyes second approval): account number {SupervisorAccountNumber}, password {SupervisorPassword}; account number {SecondSupervisorAccountNumber}, password {SecondSupervisorPassword}{NewLine}  Second administrator (four-eyes role changes): account number {SecondAdminAccountNumber}, password {SecondAdminPassword}{NewLine}  Outbox (e-mail and SMS): {Issuer}/dev/outbox{NewLine}{Portals}",
            Environment.NewLine, options.Value.Issuer, Environment.NewLine, AccountNumber, Email, Password, PhoneNumber, Environment.NewLine, AdminAccountNumber, AdminPassword, Environment.NewLine, HelpdeskAccountNumber, HelpdeskPassword, Environment.NewLine, SupervisorAccountNumber, SupervisorPassword, SecondSupervisorAccountNumber, SecondSupervisorPassword, Environment.NewLine, SecondAdminAccountNumber, SecondAdminPassword, Environment.NewLine, options.Value.Issuer, Environment.NewLine, string.Join(Environment.NewLine, portals));
    }

    private async Task EnsureStaffAsync(string accountNumber, string email, string password, string givenName, string familyName, string[] roles)
    {
        var user = await users.FindByNameAsync(accountNumber);
        if (user is null)
        {
            user = new IdpUser
            {
                UserName = accountNumber,
                AccountNumber = accountNumber,
                Email = email,
                EmailConfirmed = true,
                GivenName = givenName,
                FamilyName = familyName,
                CreatedAt = clock.GetUtcNow(),
                MustEnrol = true,
            };
            var created = await users.CreateAsync(user, password);
            if (!created.Succeeded)
                throw new InvalidOperationException($"The staff user {accountNumber} could not be created: " + string.Join("; ", created.Errors.Select(e => e.Description)));
        }
        var missing = roles.Except(await users.GetRolesAsync(user)).ToList();
        if (missing.Count > 0)
            await users.AddToRolesAsync(user, missing);
    }
}
