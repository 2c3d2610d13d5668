using System.Net;
using Idp.IntegrationTests.Infrastructure;
using Idp.IntegrationTests.Protocol;
using Npgsql;

namespace Idp.IntegrationTests.Operations;

/// <summary>
/// Connections that PostgreSQL drops under load (a restart, a failover, an administrator's
/// <c>pg_terminate_backend</c>) fail the requests that were using them with 503, never 500, also where the grant
/// store had prepared its statements on them; afterwards every flow works.
/// </summary>
public sealed class PostgresBrokenConnectionsTests
{
    [PostgresFact]
    public async Task BackendsTerminatedDuringCodeFlowsAndRefreshes_Answer503OrSucceed_AndTheFlowsWorkAfterwards()
    {
        await using var idp = new IdpFactory()
            .WithClient("broken-connections", c => { c.Secret = TestClients.Secret; c.AllowedGrantTypes = ["authorization_code", "refresh_token"]; });
        var portal = new TestRelyingParty(idp, "broken-connections");
        var browsers = new List<BrowserClient>();
        for (var i = 0; i < 4; i++)
        {
            var browser = idp.CreateBrowser();
            browsers.Add(browser);
            portal.CodeFrom(await portal.AuthorizeAsync(browser, await idp.CreateUserAsync()));
        }
        var statuses = new List<HttpStatusCode>();

        using var stop = new CancellationTokenSource();
        var workers = browsers.Select(browser => Task.Run(async () =>
        {
            // Enough rounds before the first termination that every statement of the flow is prepared (five uses).
            var rounds = 0;
            while (!stop.IsCancellationRequested || rounds < 8)
            {
                rounds++;
                var flow = await CodeFlowAsync(portal, browser);
                lock (statuses)
                    statuses.AddRange(flow);
            }
        })).ToList();
        var terminated = 0;
        await Task.Delay(TimeSpan.FromSeconds(1));
        for (var round = 0; round < 10; round++)
        {
            terminated += await TerminateBackendsAsync(idp.Database.Name);
            await Task.Delay(TimeSpan.FromMilliseconds(150));
        }
        await stop.CancelAsync();
        await Task.WhenAll(workers);

        Assert.True(terminated > 0, "no backend of the test's database was terminated");
        Assert.All(statuses, status => Assert.True(status is HttpStatusCode.OK or HttpStatusCode.Found or HttpStatusCode.ServiceUnavailable, $"answered {(int)status}"));
        foreach (var browser in browsers)
        {
            // After a failed request the pool holds fresh connections: every step succeeds again.
            Assert.Equal([HttpStatusCode.Found, HttpStatusCode.OK, HttpStatusCode.OK], await CodeFlowAsync(portal, browser));
            browser.Dispose();
        }
    }

    /// <summary>Authorize with the browser's session, redeem the code, refresh once; stops at the first step that fails.</summary>
    private static async Task<List<HttpStatusCode>> CodeFlowAsync(TestRelyingParty portal, BrowserClient browser)
    {
        var authorize = await browser.GetAsync(portal.AuthorizeUrl(), followRedirects: false);
        var statuses = new List<HttpStatusCode> { authorize.StatusCode };
        if (!authorize.IsExternalRedirect)
            return statuses;
        var (redeemed, tokens) = await portal.RedeemAsync(portal.CodeFrom(authorize));
        statuses.Add(redeemed.StatusCode);
        if (!redeemed.IsSuccessStatusCode)
            return statuses;
        var (refreshed, _) = await portal.RefreshAsync(tokens.GetProperty("refresh_token").GetString()!);
        statuses.Add(refreshed.StatusCode);
        return statuses;
    }

    private static async Task<int> TerminateBackendsAsync(string database)
    {
        await using var connection = new NpgsqlConnection(PostgresServer.Instance.AdminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = @database AND pid <> pg_backend_pid()", connection);
        command.Parameters.AddWithValue("database", database);
        return (int)(long)(await command.ExecuteScalarAsync())!;
    }
}
