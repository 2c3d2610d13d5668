using Idp.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace Idp.Data;

public static class ActiveUsers
{
    // Compiled once: where EF Core reads the protocol's users (SQL Server's grant store), every authorization and grant runs it.
    private static readonly Func<IdpDbContext, string, CancellationToken, Task<IdpUser?>> ById =
        EF.CompileAsyncQuery((IdpDbContext db, string id, CancellationToken _) => db.Users.AsNoTracking().FirstOrDefault(u => u.Id == id));

    /// <summary>The user, read without change tracking, whether locked out or not (<see cref="IfActive"/> tells).</summary>
    public static Task<IdpUser?> FindUserAsync(this IdpDbContext db, string id, CancellationToken cancellationToken) => ById(db, id, cancellationToken);

    /// <summary>The user, unless the account is gone (null) or locked out.</summary>
    public static IdpUser? IfActive(IdpUser? user, DateTimeOffset now) => user is null || (user.LockoutEnabled && user.LockoutEnd > now) ? null : user;
}
