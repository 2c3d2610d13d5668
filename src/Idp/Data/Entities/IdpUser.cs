using Microsoft.AspNetCore.Identity;

namespace Idp.Data.Entities;

/// <summary>
/// A user account ("Zugang"). <see cref="IdentityUser.UserName"/> holds the account number,
/// which is unique; the e-mail address is not unique across accounts.
/// </summary>
public sealed class IdpUser : IdentityUser
{
    public string AccountNumber { get; set; } = "";
    public string GivenName { get; set; } = "";
    public string FamilyName { get; set; } = "";
    public string? PreferredLocale { get; set; }
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>Completed interactive sign-ins; the enrolment policy counts these.</summary>
    public int SignInCount { get; set; }
    public DateTimeOffset? LastSignInAt { get; set; }

    /// <summary>Lockouts since the last successful sign-in; each lockout lasts twice as long as the one before.</summary>
    public int LockoutCount { get; set; }

    public string FullName => $"{GivenName} {FamilyName}".Trim();
}
