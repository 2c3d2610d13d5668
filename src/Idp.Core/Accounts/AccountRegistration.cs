using Idp.Data.Entities;
using Microsoft.AspNetCore.Identity;

namespace Idp.Accounts;

public sealed record RegistrationRequest(string Email, string GivenName, string FamilyName, string Password, string? Locale);

public sealed record RegistrationResult(IdpUser? User, IReadOnlyList<IdentityError> Errors)
{
    public bool Succeeded => User is not null;
}

/// <summary>Creates an account with a fresh account number; the user name is the account number.</summary>
public sealed class AccountRegistration(
    UserManager<IdpUser> users,
    AccountNumberGenerator accountNumbers,
    AuditTrail audit,
    TimeProvider clock)
{
    private const int MaxAttempts = 3;

    public async Task<RegistrationResult> RegisterAsync(RegistrationRequest request, HttpContext http, CancellationToken cancellationToken = default)
    {
        for (var attempt = 0; ; attempt++)
        {
            var accountNumber = await accountNumbers.NextAsync(cancellationToken);
            var user = new IdpUser
            {
                UserName = accountNumber,
                AccountNumber = accountNumber,
                Email = request.Email.Trim(),
                GivenName = request.GivenName.Trim(),
                FamilyName = request.FamilyName.Trim(),
                PreferredLocale = request.Locale,
                CreatedAt = clock.GetUtcNow(),
            };
            var result = await users.CreateAsync(user, request.Password);
            if (result.Succeeded)
            {
                await audit.RecordAsync(AuditEventTypes.AccountRegistered, http, user.Id, cancellationToken: cancellationToken);
                return new RegistrationResult(user, []);
            }
            // A concurrent registration took the same number between the check and the insert: draw again.
            var collided = result.Errors.Any(e => e.Code == nameof(IdentityErrorDescriber.DuplicateUserName));
            if (!collided || attempt + 1 >= MaxAttempts)
                return new RegistrationResult(null, result.Errors.ToList());
        }
    }
}
