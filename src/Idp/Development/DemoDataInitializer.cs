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

        var portals = options.Value.Clients.Where(c => c.RedirectUris.Count > 0)
            .Select(c => $"  {c.DisplayName ?? c.ClientId}: {new Uri(c.RedirectUris[0]).GetLeftPart(UriPartial.Authority)}");
        logger.LogInformation(
            "Development demo data:{NewLine}  Idp: {Issuer}{NewLine}  Demo user: account number {AccountNumber} or e-mail {Email}, password {Password}, phone {Phone}{NewLine}  Outbox (e-mail and SMS): {Issuer}/dev/outbox{NewLine}{Portals}",
            Environment.NewLine, options.Value.Issuer, Environment.NewLine, AccountNumber, Email, Password, PhoneNumber, Environment.NewLine, options.Value.Issuer, Environment.NewLine, string.Join(Environment.NewLine, portals));
    }
}
