using Idp.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace Idp.Data;

public static class ActiveUsers
{
    // Compiled once: the protocol's hot paths run this on every authorization and grant.
    private static readonly Func<IdpDbContext, string, CancellationToken, Task<IdpUser?>> ById =
        EF.CompileAsyncQuery((IdpDbContext db, string id, CancellationToken _) => db.Users.AsNoTracking().FirstOrDefault(u => u.Id == id));

    /// <summary>
    /// The user, if it exists and is not locked out, read without change tracking: the protocol's hot paths
    /// (authorize with a session, code and refresh grants) only read it.
    /// </summary>
    public static async Task<IdpUser?> FindActiveUserAsync(this IdpDbContext db, string id, DateTimeOffset now, CancellationToken cancellationToken) =>
        IfActive(await ById(db, id, cancellationToken), now);

    /// <summary>The user, read without change tracking, whether locked out or not.</summary>
    public static Task<IdpUser?> FindUserAsync(this IdpDbContext db, string id, CancellationToken cancellationToken) => ById(db, id, cancellationToken);

    /// <summary>The user, unless the account is gone (null) or locked out.</summary>
    public static IdpUser? IfActive(IdpUser? user, DateTimeOffset now) => user is null || (user.LockoutEnabled && user.LockoutEnd > now) ? null : user;
}
