using Idp.Data;
using Idp.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace Idp.Protocol.Token;

/// <summary>The grants' lookups by primary key, compiled once instead of looked up in EF Core's query cache per request.</summary>
internal static class GrantQueries
{
    /// <summary>A code with its user in one round trip (null user: the account is gone).</summary>
    public static readonly Func<IdpDbContext, string, CancellationToken, Task<Redeemable<AuthorizationCode>?>> CodeWithUser =
        EF.CompileAsyncQuery((IdpDbContext db, string id, CancellationToken _) => db.AuthorizationCodes.AsNoTracking()
            .Where(c => c.Id == id)
            .Select(c => new Redeemable<AuthorizationCode>(c, db.Users.AsNoTracking().FirstOrDefault(u => u.Id == c.SubjectId)))
            .FirstOrDefault());

    /// <summary>A refresh token with its user in one round trip (null user: the account is gone).</summary>
    public static readonly Func<IdpDbContext, string, CancellationToken, Task<Redeemable<RefreshToken>?>> RefreshWithUser =
        EF.CompileAsyncQuery((IdpDbContext db, string id, CancellationToken _) => db.RefreshTokens.AsNoTracking()
            .Where(t => t.Id == id)
            .Select(t => new Redeemable<RefreshToken>(t, db.Users.AsNoTracking().FirstOrDefault(u => u.Id == t.SubjectId)))
            .FirstOrDefault());
}

internal sealed record Redeemable<T>(T Grant, IdpUser? User)
{
    /// <summary>The user, unless the account is gone or locked out (as <see cref="ActiveUsers.FindActiveUserAsync"/>).</summary>
    public IdpUser? ActiveUser(DateTimeOffset now) => User is null || (User.LockoutEnabled && User.LockoutEnd > now) ? null : User;
}
