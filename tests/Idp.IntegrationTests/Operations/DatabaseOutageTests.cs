using System.Data.Common;
using System.Net;
using Idp.Data;
using Idp.IntegrationTests.Infrastructure;
using Idp.IntegrationTests.Protocol;
using Idp.IntegrationTests.SignIn;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Idp.IntegrationTests.Operations;

/// <summary>While the database cannot be reached (a restart, a failover), requests fail with 503, never with 500.</summary>
public sealed class DatabaseOutageTests
{
    [Fact]
    public async Task DatabaseUnreachable_ProtocolRequest_Answers503()
    {
        var outage = new Outage();
        await using var idp = WithOutage(new IdpFactory(), outage)
            .WithClient("outage-client", c => { c.Secret = TestClients.Secret; c.AllowedGrantTypes = ["authorization_code", "refresh_token"]; });
        var client = new TestRelyingParty(idp, "outage-client");
        // Revocation looks the token up in the database (RFC 7009 answers 200 for an unknown one).
        var revoke = new Dictionary<string, string> { ["token"] = "no-such-token", ["token_type_hint"] = "refresh_token" };
        var (before, _) = await client.PostAsync("/connect/revocation", revoke);

        outage.Down = true;
        var (during, body) = await client.PostAsync("/connect/revocation", revoke);
        outage.Down = false;
        var (after, _) = await client.PostAsync("/connect/revocation", revoke);

        Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, during.StatusCode);
        Assert.DoesNotContain("no-such-token", body.ToString());
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }

    [Fact]
    public async Task DatabaseUnreachable_SignInForm_Answers503Page()
    {
        var outage = new Outage();
        await using var idp = WithOutage(new IdpFactory(), outage);
        var user = await idp.CreateUserAsync();
        using var browser = idp.CreateBrowser();
        await browser.GetAsync("/signin");

        outage.Down = true;
        var page = await browser.SubmitFormAsync("#signin-form", new() { ["Input.Login"] = user.AccountNumber, ["Input.Password"] = TestUsers.Password }, followRedirects: false);
        outage.Down = false;

        Assert.Equal(HttpStatusCode.ServiceUnavailable, page.StatusCode);
        Assert.Contains("text/html", page.MediaType()?.MediaType);
    }

    private static IdpFactory WithOutage(IdpFactory factory, Outage outage) => factory.WithServices(services =>
    {
        services.ConfigureDbContext<SqliteIdpDbContext>(options => options.AddInterceptors(outage));
        services.ConfigureDbContext<PostgresIdpDbContext>(options => options.AddInterceptors(outage));
        services.ConfigureDbContext<SqlServerIdpDbContext>(options => options.AddInterceptors(outage));
    });

    /// <summary>Fails every command as a provider does while its server is down.</summary>
    private sealed class Outage : DbCommandInterceptor
    {
        public volatile bool Down;

        public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default) =>
            Down ? throw new ServerDownException() : base.ReaderExecutingAsync(command, eventData, result, cancellationToken);

        public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default) =>
            Down ? throw new ServerDownException() : base.NonQueryExecutingAsync(command, eventData, result, cancellationToken);

        public override ValueTask<InterceptionResult<object>> ScalarExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<object> result, CancellationToken cancellationToken = default) =>
            Down ? throw new ServerDownException() : base.ScalarExecutingAsync(command, eventData, result, cancellationToken);

        public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result) =>
            Down ? throw new ServerDownException() : base.ReaderExecuting(command, eventData, result);
    }

    /// <summary>What PostgreSQL answers while it shuts down or starts: SQLSTATE 57P03, transient.</summary>
    private sealed class ServerDownException() : DbException("the database system is shutting down")
    {
        public override bool IsTransient => true;
        public override string SqlState => "57P03";
    }
}
