using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Idp.Data;

/// <summary>
/// PostgreSQL: EF Core queries that run on most sign-ins (the registry's "has a factor", which the sign-in decision
/// asks after the password) are prepared explicitly, once per physical connection, as the grant store's own statements
/// are; the server then neither parses nor plans them again. (An authorization with a session reads session, user and
/// "has a factor" in one statement of the grant store's.) A query opts in with <c>TagWith(PreparedQueries.Tag)</c>,
/// whose comment starts its SQL.
/// Explicit, not Npgsql's automatic preparation: see <see cref="PostgresConnectionStrings"/>.
/// </summary>
public static class PreparedQueries
{
    public const string Tag = "idp:prepared";

    internal static IInterceptor Interceptor { get; } = new PrepareTagged();

    private sealed class PrepareTagged : DbCommandInterceptor
    {
        private const string Marker = "-- " + Tag;

        public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
        {
            if (IsTagged(command))
                command.Prepare();
            return result;
        }

        public override async ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            if (IsTagged(command))
                await command.PrepareAsync(cancellationToken);
            return result;
        }

        private static bool IsTagged(DbCommand command) => command.CommandText.StartsWith(Marker, StringComparison.Ordinal);
    }
}
