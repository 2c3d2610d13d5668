using System.Data.Common;

namespace Idp.Operations;

/// <summary>
/// A request that failed because the database could not be reached (a restart, a failover, refused connections) is
/// answered 503, not 500: the client may try again, and monitoring tells an outage from a bug. Recognised by the
/// provider's own verdict (<see cref="DbException.IsTransient"/>) or by SQLSTATE class 08 (connection exception)
/// and 57P0x (server shutting down or starting), anywhere in the exception's chain, as EF Core wraps it.
/// </summary>
public static class DatabaseOutage
{
    public static int StatusCodeFor(Exception exception) =>
        IsOutage(exception) ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status500InternalServerError;

    public static bool IsOutage(Exception? exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (current is DbException database
                && (database.IsTransient || database.SqlState is { } state && (state.StartsWith("08", StringComparison.Ordinal) || state.StartsWith("57P0", StringComparison.Ordinal))))
                return true;
        }
        return false;
    }
}
