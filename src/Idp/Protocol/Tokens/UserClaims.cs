using Idp.Data;
using Idp.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace Idp.Protocol.Tokens;

/// <summary>The standard claims each scope releases (OpenID Connect Core §5.4).</summary>
public static class UserClaims
{
    public static readonly IReadOnlyList<string> Supported =
    [
        "sub", "name", "given_name", "family_name", "preferred_username", "locale", "email", "email_verified",
        "auth_time", "acr", "amr", "sid", "roles",
    ];

    public static void Add(IDictionary<string, object> claims, IdpUser user, IReadOnlyCollection<string> scopes)
    {
        if (scopes.Contains(Scopes.Profile))
        {
            claims["name"] = user.FullName;
            claims["given_name"] = user.GivenName;
            claims["family_name"] = user.FamilyName;
            claims["preferred_username"] = user.AccountNumber;
            if (!string.IsNullOrEmpty(user.PreferredLocale))
                claims["locale"] = user.PreferredLocale;
        }
        if (scopes.Contains(Scopes.Email) && !string.IsNullOrEmpty(user.Email))
        {
            claims["email"] = user.Email;
            claims["email_verified"] = user.EmailConfirmed;
        }
    }
}

/// <summary>The user's ASP.NET Identity roles, released by the <c>roles</c> scope.</summary>
public static class UserRoles
{
    public static async Task<IReadOnlyCollection<string>?> ForIdTokenAsync(IdpDbContext db, string userId, IReadOnlyCollection<string> scopes, CancellationToken cancellationToken)
    {
        if (!scopes.Contains(Scopes.Roles))
            return null;
        return await (from link in db.UserRoles
                      join role in db.Roles on link.RoleId equals role.Id
                      where link.UserId == userId
                      select role.Name!).ToListAsync(cancellationToken);
    }
}
