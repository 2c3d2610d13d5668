using System.Net;
using Idp.Data.Entities;
using Idp.IntegrationTests.Infrastructure;
using Idp.IntegrationTests.Protocol;
using Idp.Protocol.EndSession;
using Idp.Testing;
using Microsoft.EntityFrameworkCore;
using static Idp.IntegrationTests.Protocol.SessionTests;

namespace Idp.IntegrationTests.Messaging;

/// <summary>
/// Back-channel logout through the outbox: written with the session's ending, delivered by whichever node's
/// dispatcher runs (also after a restart), retried while the portal is down, with a logout token minted at send time.
/// </summary>
public sealed class OutboxBackChannelLogoutTests
{
    [Fact]
    public async Task BackChannelLogout_WrittenBeforeARestart_IsDeliveredByTheNewServer()
    {
        using var database = TestDatabase.Create();
        var key = IdpFactory.NewKeyEncryptionKey();
        var clock = FakeTimeProvider.StartingNow();
        IdpUser user;
        string sid;
        await using (var before = new IdpFactory(database, ownsDatabase: false, key, clock).WithClient(Portal()).WithoutBackgroundDispatcher())
        {
            (user, sid) = await SignInAndEndSessionAsync(before);
            var written = await PendingLogoutAsync(before);
            Assert.Equal("portal", written.Recipient);
            Assert.Null(written.SentAt);
        }

        var backChannel = new RecordingHandler();
        await using var after = new IdpFactory(database, ownsDatabase: false, key, clock).WithClient(Portal())
            .WithServices(services => services.AddHttpClient(BackChannelLogout.HttpClientName).ConfigurePrimaryHttpMessageHandler(() => backChannel));
        after.Start();

        var sent = Assert.Single(await backChannel.WaitForAsync(1));
        var token = await new TestRelyingParty(after, "portal").ValidateAsync(sent.Form["logout_token"], type: "logout+jwt");
        Assert.Equal(user.Id, token.Subject);
        Assert.Equal(sid, token.GetClaim("sid").Value);
        await EventuallyAsync(async () => (await after.WithDbAsync(db => db.Outbox.AsNoTracking().SingleAsync(m => m.Channel == OutboxChannel.BackChannelLogout))).SentAt is not null);
    }

    [Fact]
    public async Task BackChannelLogout_PortalDownForAWhile_RetriedThenDeliveredOnce_WithATokenMintedAtSendTime()
    {
        var backChannel = new RecordingHandler { Status = HttpStatusCode.ServiceUnavailable };
        await using var idp = new IdpFactory().WithClient(Portal()).WithoutBackgroundDispatcher()
            .WithSetting("Idp:Email:RetryDelay", "00:01:00")
            .WithServices(services => services.AddHttpClient(BackChannelLogout.HttpClientName).ConfigurePrimaryHttpMessageHandler(() => backChannel));
        var (user, sid) = await SignInAndEndSessionAsync(idp);

        Assert.Equal(0, await idp.DispatchAsync());
        var failed = await PendingLogoutAsync(idp);
        Assert.Equal(1, failed.Attempts);
        Assert.Contains("503", failed.LastError);
        Assert.Null(failed.FailedAt);

        // Still down at the next attempt; the backoff decides when that is.
        idp.Clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(0, await idp.DispatchAsync());
        Assert.Equal(2, backChannel.Requests.Count);

        backChannel.Status = HttpStatusCode.OK;
        idp.Clock.Advance(TimeSpan.FromMinutes(10));
        var backUpAt = idp.Clock.GetUtcNow();
        Assert.Equal(1, await idp.DispatchAsync());

        var requests = backChannel.Requests.ToList();
        Assert.Equal(3, requests.Count);
        var rp = new TestRelyingParty(idp, "portal");
        var delivered = await rp.ValidateAsync(requests[^1].Form["logout_token"], type: "logout+jwt");
        Assert.Equal(user.Id, delivered.Subject);
        Assert.Equal(sid, delivered.GetClaim("sid").Value);
        // Minted at send time: issued after the outage, so the portal accepts it although the ending is 11 minutes old.
        Assert.True(delivered.IssuedAt >= backUpAt.UtcDateTime.AddSeconds(-1), $"iat {delivered.IssuedAt:O} is before the portal came back at {backUpAt:O}");
        Assert.NotEqual(requests[0].Form["logout_token"], requests[^1].Form["logout_token"]);

        // Delivered once: never sent again.
        Assert.Equal(0, await idp.DispatchAsync());
        idp.Clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal(0, await idp.DispatchAsync());
        Assert.Equal(3, backChannel.Requests.Count);
        var row = await idp.WithDbAsync(db => db.Outbox.AsNoTracking().SingleAsync(m => m.Id == failed.Id));
        Assert.NotNull(row.SentAt);
        Assert.Equal(3, row.Attempts);
    }

    [Fact]
    public async Task BackChannelLogout_PortalWithoutLogoutUri_WritesNoMessage()
    {
        await using var idp = new IdpFactory().WithClient(TestClients.Create("portal", c => c.Secret = TestClients.Secret)).WithoutBackgroundDispatcher();
        await SignInAndEndSessionAsync(idp);
        Assert.False(await idp.WithDbAsync(db => db.Outbox.AnyAsync(m => m.Channel == OutboxChannel.BackChannelLogout)));
    }

    private static Configuration.ClientOptions Portal() =>
        TestClients.Create("portal", c => { c.Secret = TestClients.Secret; c.BackChannelLogoutUri = TestClients.BackChannelLogoutUri; });

    /// <summary>The user signs in at the portal and signs out there (RP-initiated logout); returns the user and the session id.</summary>
    private static async Task<(IdpUser User, string Sid)> SignInAndEndSessionAsync(IdpFactory idp)
    {
        var rp = new TestRelyingParty(idp, "portal");
        var user = await idp.CreateUserAsync();
        using var browser = idp.CreateBrowser();
        var (_, tokens) = await rp.RedeemAsync(rp.CodeFrom(await rp.AuthorizeAsync(browser, user)));
        var idToken = tokens.GetProperty("id_token").GetString()!;
        var sid = (await rp.ValidateAsync(idToken)).GetClaim("sid").Value;
        var response = await browser.GetAsync($"/connect/endsession?id_token_hint={idToken}&post_logout_redirect_uri={Uri.EscapeDataString(TestClients.PostLogoutRedirectUri)}", followRedirects: false);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return (user, sid);
    }

    private static Task<OutboxMessage> PendingLogoutAsync(IdpFactory idp) =>
        idp.WithDbAsync(db => db.Outbox.AsNoTracking().SingleAsync(m => m.Channel == OutboxChannel.BackChannelLogout));

    private static async Task EventuallyAsync(Func<Task<bool>> condition)
    {
        for (var i = 0; i < 200 && !await condition(); i++)
            await Task.Delay(50);
        Assert.True(await condition());
    }
}
