using System.Collections.Concurrent;
using System.Data.Common;
using Idp.Data;
using Idp.IntegrationTests.Infrastructure;
using Idp.IntegrationTests.Protocol;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace Idp.IntegrationTests.Operations;

/// <summary>
/// Every authorization with a session reads session, user and "has a factor" in one statement of the grant store's,
/// not through EF Core; the registry's own "has a factor" query carries the tag that has PostgreSQL prepare it.
/// </summary>
public sealed class PreparedQueriesTests
{
    [Fact]
    public async Task AuthorizeWithASession_RunsNoEfCoreQuery()
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

        Assert.Empty(recorder.Queries);
    }

    [Fact]
    public async Task RegistryHasAFactor_IsTaggedForPreparation()
    {
        var recorder = new QueryRecorder();
        await using var idp = new IdpFactory().WithServices(services => services.AddSingleton<IInterceptor>(recorder));
        var user = await idp.CreateUserAsync();
        recorder.Queries.Clear();

        await idp.WithScopeAsync(services => services.GetRequiredService<Idp.Factors.FactorRegistry>().HasPrimaryAsync(user.Id));

        var query = Assert.Single(recorder.Queries);
        Assert.StartsWith($"-- {PreparedQueries.Tag}", query, StringComparison.Ordinal);
        Assert.Contains("\"UserFactors\"", query, StringComparison.Ordinal);
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
