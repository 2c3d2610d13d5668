using System.Collections.Concurrent;
using System.Data.Common;
using Idp.Data;
using Idp.IntegrationTests.Infrastructure;
using Idp.IntegrationTests.Protocol;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace Idp.IntegrationTests.Operations;

/// <summary>The EF Core queries of every authorization with a session carry the tag that has PostgreSQL prepare them.</summary>
public sealed class PreparedQueriesTests
{
    [Fact]
    public async Task AuthorizeWithASession_SessionAndFactorQueries_AreTaggedForPreparation()
    {
        var recorder = new QueryRecorder();
        await using var idp = new IdpFactory()
            .WithServices(services => services.AddSingleton<IInterceptor>(recorder))
            .WithClient("prepared", c => c.Secret = TestClients.Secret);
        var portal = new TestRelyingParty(idp, "prepared");
        using var browser = idp.CreateBrowser();
        portal.CodeFrom(await portal.AuthorizeAsync(browser, await idp.CreateUserAsync()));
        recorder.Queries.Clear();

        portal.CodeFrom(await browser.GetAsync(portal.AuthorizeUrl(), followRedirects: false));

        Assert.Contains(recorder.Queries, sql => sql.StartsWith($"-- {PreparedQueries.Tag}", StringComparison.Ordinal) && sql.Contains("\"UserSessions\"", StringComparison.Ordinal));
        Assert.Contains(recorder.Queries, sql => sql.StartsWith($"-- {PreparedQueries.Tag}", StringComparison.Ordinal) && sql.Contains("\"UserFactors\"", StringComparison.Ordinal));
    }

    private sealed class QueryRecorder : DbCommandInterceptor
    {
        public ConcurrentQueue<string> Queries { get; } = new();

        public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            Queries.Enqueue(command.CommandText);
            return base.ReaderExecutingAsync(command, eventData, result, cancellationToken);
        }
    }
}
