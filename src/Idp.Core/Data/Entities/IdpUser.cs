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

    /// <summary>Enrolment of a second factor is due at the next sign-in whatever the policy (set by a helpdesk reset).</summary>
    public bool MustEnrol { get; set; }

    /// <summary>The welcome screen of the second factor ("Willkommen zu Secure Login") was shown; it is shown once.</summary>
    public bool WelcomeShown { get; set; }

    /// <summary>
    /// When the user's credentials last changed (password reset or change, helpdesk reset, temporary access pass): a
    /// refresh token whose authentication is older is refused, whatever its scope.
    /// </summary>
    public DateTimeOffset? CredentialsChangedAt { get; set; }

    public string FullName => $"{GivenName} {FamilyName}".Trim();
}
