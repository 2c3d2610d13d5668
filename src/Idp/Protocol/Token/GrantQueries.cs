using Idp.Data;
using Idp.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace Idp.Protocol.Token;

/// <summary>The grants' lookups by primary key, compiled once instead of looked up in EF Core's query cache per request.</summary>
internal static class GrantQueries
{
    /// <summary>A code with its user in one round trip, joined by the user's key (null user: the account is gone).</summary>
    public static readonly Func<IdpDbContext, string, CancellationToken, Task<Redeemable<AuthorizationCode>?>> CodeWithUser =
        EF.CompileAsyncQuery((IdpDbContext db, string id, CancellationToken _) =>
            (from c in db.AuthorizationCodes.AsNoTracking().Where(c => c.Id == id)
             join u in db.Users.AsNoTracking() on c.SubjectId equals u.Id into users
             from u in users.DefaultIfEmpty()
             select new Redeemable<AuthorizationCode>(c, u)).FirstOrDefault());

    /// <summary>A refresh token with its user in one round trip (null user: the account is gone).</summary>
    public static readonly Func<IdpDbContext, string, CancellationToken, Task<Redeemable<RefreshToken>?>> RefreshWithUser =
        EF.CompileAsyncQuery((IdpDbContext db, string id, CancellationToken _) =>
            (from t in db.RefreshTokens.AsNoTracking().Where(t => t.Id == id)
             join u in db.Users.AsNoTracking() on t.SubjectId equals u.Id into users
             from u in users.DefaultIfEmpty()
             select new Redeemable<RefreshToken>(t, u)).FirstOrDefault());
}

public sealed record Redeemable<T>(T Grant, IdpUser? User)
{
    /// <summary>The user, unless the account is gone or locked out (<see cref="ActiveUsers.IfActive"/>).</summary>
    public IdpUser? ActiveUser(DateTimeOffset now) => ActiveUsers.IfActive(User, now);
}
