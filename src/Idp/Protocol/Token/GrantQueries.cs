using Idp.Data;
using Idp.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace Idp.Protocol.Token;

/// <summary>The grants' lookups by primary key, compiled once instead of looked up in EF Core's query cache per request.</summary>
internal static class GrantQueries
{
    public static readonly Func<IdpDbContext, string, CancellationToken, Task<AuthorizationCode?>> Code =
        EF.CompileAsyncQuery((IdpDbContext db, string id, CancellationToken _) => db.AuthorizationCodes.AsNoTracking().FirstOrDefault(c => c.Id == id));

    public static readonly Func<IdpDbContext, string, CancellationToken, Task<RefreshToken?>> Refresh =
        EF.CompileAsyncQuery((IdpDbContext db, string id, CancellationToken _) => db.RefreshTokens.AsNoTracking().FirstOrDefault(t => t.Id == id));
}
