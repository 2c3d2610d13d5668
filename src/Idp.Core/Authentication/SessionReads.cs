using Idp.Data;
using Idp.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace Idp.Authentication;

/// <summary>
/// A session as a request reads it: the row, its user (null: the account is gone) and, where the read could tell in
/// the same statement, whether the user has a real (non-fallback) factor (null: not read, ask <see cref="Factors.FactorRegistry"/>).
/// </summary>
public sealed record SessionRead(UserSession Session, IdpUser? User, bool? HasPrimaryFactor);

/// <summary>
/// Reads a session by id, untracked. Every authorization with a session asks it, so where the provider allows it
/// (SQLite, PostgreSQL) the session, its user and "has a factor" are one prepared statement.
/// </summary>
public interface ISessionReads
{
    /// <param name="subjectId">The subject the cookie names: "has a factor" is read for this user.</param>
    Task<SessionRead?> FindAsync(string sessionId, string subjectId, CancellationToken cancellationToken);
}

/// <summary>EF Core's compiled queries (SQL Server, the admin area): the session and its user; factors when asked.</summary>
internal sealed class EfSessionReads(IdpDbContext db) : ISessionReads
{
    private static readonly Func<IdpDbContext, string, CancellationToken, Task<UserSession?>> SessionById =
        EF.CompileAsyncQuery((IdpDbContext db, string id, CancellationToken _) => db.UserSessions.AsNoTracking().FirstOrDefault(s => s.Id == id));

    public async Task<SessionRead?> FindAsync(string sessionId, string subjectId, CancellationToken cancellationToken) =>
        await SessionById(db, sessionId, cancellationToken) is { } session
            ? new SessionRead(session, await db.FindUserAsync(session.SubjectId, cancellationToken), null)
            : null;
}
