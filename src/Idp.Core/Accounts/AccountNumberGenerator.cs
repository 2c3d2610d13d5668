using System.Security.Cryptography;
using Idp.Data;
using Microsoft.EntityFrameworkCore;

namespace Idp.Accounts;

/// <summary>
/// Assigns account numbers ("Zugangsnummer"): 10 random digits from a CSPRNG, never starting with 0 so that
/// spreadsheets and phone keypads keep them intact. Collisions are rare (9·10⁹ values) and retried.
/// </summary>
public sealed class AccountNumberGenerator(IdpDbContext db)
{
    public const int Length = 10;
    private const int MaxAttempts = 20;

    public static string NewCandidate()
    {
        Span<char> digits = stackalloc char[Length];
        digits[0] = (char)('1' + RandomNumberGenerator.GetInt32(9));
        for (var i = 1; i < Length; i++)
            digits[i] = (char)('0' + RandomNumberGenerator.GetInt32(10));
        return new string(digits);
    }

    public static bool LooksLikeAccountNumber(string value) =>
        value.Length == Length && value.All(char.IsAsciiDigit);

    /// <summary>A number no account uses yet (a concurrent registration can still take it: creation checks again).</summary>
    public async Task<string> NextAsync(CancellationToken cancellationToken = default)
    {
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var candidate = NewCandidate();
            var taken = await db.Users.AnyAsync(u => u.UserName == candidate || u.AccountNumber == candidate, cancellationToken);
            if (!taken)
                return candidate;
        }
        throw new InvalidOperationException($"No free account number after {MaxAttempts} attempts.");
    }
}
