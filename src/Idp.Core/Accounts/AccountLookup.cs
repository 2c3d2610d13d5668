using Idp.Data;
using Idp.Data.Entities;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Idp.Accounts;

/// <summary>Finds the accounts a user means by what they typed: an account number, or an e-mail address that several accounts may share.</summary>
public sealed class AccountLookup(UserManager<IdpUser> users, IdpDbContext db)
{
    public const int MaxLoginLength = 256;

    /// <summary>Whether <paramref name="login"/> is meant as an e-mail address (which several accounts may share).</summary>
    public static bool IsEmail(string? login) => login?.Contains('@') == true;

    public async Task<IReadOnlyList<IdpUser>> FindAsync(string? login, int max, CancellationToken cancellationToken = default)
    {
        login = login?.Trim() ?? "";
        if (login.Length is 0 or > MaxLoginLength)
            return [];

        if (IsEmail(login))
        {
            var normalized = users.NormalizeEmail(login);
            return await db.Users.Where(u => u.NormalizedEmail == normalized)
                .OrderBy(u => u.AccountNumber)
                .Take(max)
                .ToListAsync(cancellationToken);
        }

        // People copy account numbers with the grouping they were shown or printed.
        var accountNumber = string.Concat(login.Where(c => c is not (' ' or '-' or '.')));
        if (!accountNumber.All(char.IsAsciiDigit))
            return [];
        var user = await users.FindByNameAsync(accountNumber);
        return user is null ? [] : [user];
    }
}
