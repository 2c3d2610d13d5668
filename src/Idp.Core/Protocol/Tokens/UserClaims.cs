using Idp.Data;
using Idp.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace Idp.Protocol.Tokens;

/// <summary>
/// The standard claims each scope releases (OpenID Connect Core §5.4), and the individual claims a <c>claims</c>
/// request asks for (§5.5). A requested claim is released only within what the client may receive: a first-party
/// client the claims of its allowed scopes, a third-party client only those of the scopes the user granted.
/// </summary>
public static class UserClaims
{
    public static readonly IReadOnlyList<string> Supported =
    [
        "sub", "name", "given_name", "family_name", "preferred_username", "locale", "email", "email_verified",
        "auth_time", "acr", "amr", "sid", "roles",
    ];

    /// <summary>The user claims, each with the scope that releases it.</summary>
    private static readonly Dictionary<string, string> ScopeOfClaim = new(StringComparer.Ordinal)
    {
        ["name"] = Scopes.Profile,
        ["given_name"] = Scopes.Profile,
        ["family_name"] = Scopes.Profile,
        ["preferred_username"] = Scopes.Profile,
        ["locale"] = Scopes.Profile,
        ["email"] = Scopes.Email,
        ["email_verified"] = Scopes.Email,
    };

    /// <summary>The claims the granted <paramref name="scopes"/> release.</summary>
    public static void Add(IDictionary<string, object> claims, IdpUser user, IReadOnlyCollection<string> scopes)
    {
        foreach (var (claim, scope) in ScopeOfClaim)
        {
            if (scopes.Contains(scope) && ValueOf(user, claim) is { } value)
                claims[claim] = value;
        }
    }

    /// <summary>The individually requested claims the user has; <paramref name="releasable"/> comes from <see cref="Releasable"/>.</summary>
    public static void AddRequested(IDictionary<string, object> claims, IdpUser user, IEnumerable<string> releasable)
    {
        foreach (var claim in releasable)
        {
            if (!claims.ContainsKey(claim) && ScopeOfClaim.ContainsKey(claim) && ValueOf(user, claim) is { } value)
                claims[claim] = value;
        }
    }

    /// <summary>The names among <paramref name="requested"/> this client may receive with these granted scopes.</summary>
    public static IReadOnlyList<string> Releasable(Client client, IReadOnlyCollection<string> scopes, IEnumerable<string> requested) =>
        requested.Where(c => ScopeOfClaim.TryGetValue(c, out var scope) && MayReceive(client, scopes, scope)).ToList();

    private static bool MayReceive(Client client, IReadOnlyCollection<string> granted, string scope) =>
        client.IsThirdParty ? granted.Contains(scope) : client.AllowedScopes.Contains(scope);

    private static object? ValueOf(IdpUser user, string claim) => claim switch
    {
        "name" => user.FullName,
        "given_name" => user.GivenName,
        "family_name" => user.FamilyName,
        "preferred_username" => user.AccountNumber,
        "locale" => string.IsNullOrEmpty(user.PreferredLocale) ? null : user.PreferredLocale,
        "email" => string.IsNullOrEmpty(user.Email) ? null : user.Email,
        "email_verified" => string.IsNullOrEmpty(user.Email) ? null : user.EmailConfirmed,
        _ => null,
    };
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
