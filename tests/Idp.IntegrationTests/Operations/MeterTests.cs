using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net;
using Idp.IntegrationTests.Factors;
using Idp.IntegrationTests.Infrastructure;
using Idp.IntegrationTests.Messaging;
using Idp.IntegrationTests.Protocol;
using Idp.Operations;

namespace Idp.IntegrationTests.Operations;

/// <summary>Idp's meter as instruments, without an exporter: what one host records (other hosts in the process are ignored).</summary>
public sealed class MeterTests
{
    [Fact]
    public async Task Meter_CountsTokensByGrantAndRefreshReuse()
    {
        await using var idp = new IdpFactory()
            .WithClient("portal", c => { c.Secret = TestClients.Secret; c.AllowedGrantTypes = ["authorization_code", "refresh_token"]; })
            .Start();
        using var recorded = new RecordedMeasurements(idp);
        var rp = new TestRelyingParty(idp, "portal");
        var user = await idp.CreateUserAsync();
        using var browser = idp.CreateBrowser();
        var (_, tokens) = await rp.RedeemAsync(rp.CodeFrom(await rp.AuthorizeAsync(browser, user)));
        var refreshToken = tokens.GetProperty("refresh_token").GetString()!;

        Assert.Equal(HttpStatusCode.OK, (await rp.RefreshAsync(refreshToken)).Response.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await rp.RefreshAsync(refreshToken)).Response.StatusCode);

        Assert.Equal(1, recorded.Sum("idp.tokens.issued", ("grant_type", "authorization_code"), ("client_id", "portal")));
        Assert.Equal(1, recorded.Sum("idp.tokens.issued", ("grant_type", "refresh_token"), ("client_id", "portal")));
        Assert.Equal(1, recorded.Sum("idp.refresh_tokens.reuse_detected", ("client_id", "portal")));
        Assert.Equal(1, recorded.Sum("idp.sign_ins", ("outcome", "succeeded")));
    }

    [Fact]
    public async Task Meter_CountsSecondFactorsByKindAndOutcome()
    {
        await using var idp = new IdpFactory().WithClient("portal").Start();
        using var recorded = new RecordedMeasurements(idp);
        var rp = new TestRelyingParty(idp, "portal", secret: null);
        var user = await idp.CreateUserAsync();
        var secret = await idp.SeedTotpAsync(user);
        using var browser = idp.CreateBrowser();
        var challenge = await rp.AuthorizeAsync(browser, user);
        Assert.Equal("/signin/totp", challenge.Url.AbsolutePath);

        await browser.SubmitFormAsync("#totp-form", new() { ["Input.Code"] = "000000" == SecondFactorSteps.CodeFor(secret, idp) ? "111111" : "000000" });
        await browser.SubmitFormAsync("#totp-form", new() { ["Input.Code"] = SecondFactorSteps.CodeFor(secret, idp) });

        Assert.Equal(1, recorded.Sum("idp.second_factor.verifications", ("kind", "totp"), ("outcome", "failed")));
        Assert.Equal(1, recorded.Sum("idp.second_factor.verifications", ("kind", "totp"), ("outcome", "succeeded")));
    }

    [Fact]
    public async Task Meter_CountsOutboxFailuresAndGiveUpsByChannel()
    {
        var portalDown = new SessionTests.RecordingHandler { Status = HttpStatusCode.ServiceUnavailable };
        await using var idp = new IdpFactory()
            .WithClient("portal", c => { c.Secret = TestClients.Secret; c.BackChannelLogoutUri = TestClients.BackChannelLogoutUri; })
            .WithSetting("Idp:Email:GiveUpAfter", "00:10:00")
            .WithServices(services => services.AddHttpClient(Idp.Protocol.EndSession.BackChannelLogout.HttpClientName).ConfigurePrimaryHttpMessageHandler(() => portalDown))
            .WithoutBackgroundDispatcher()
            .Start();
        using var recorded = new RecordedMeasurements(idp);
        var rp = new TestRelyingParty(idp, "portal");
        var user = await idp.CreateUserAsync();
        using var browser = idp.CreateBrowser();
        var (_, tokens) = await rp.RedeemAsync(rp.CodeFrom(await rp.AuthorizeAsync(browser, user)));
        await browser.GetAsync($"/connect/endsession?id_token_hint={tokens.GetProperty("id_token").GetString()}", followRedirects: false);

        await idp.DispatchAsync();
        idp.Clock.Advance(TimeSpan.FromMinutes(11));
        await idp.DispatchAsync();

        Assert.Equal(1, recorded.Sum("idp.messages.failures", ("channel", "backchannel_logout")));
        Assert.Equal(1, recorded.Sum("idp.outbox.given_up", ("channel", "backchannel_logout")));
        Assert.Equal(0, recorded.Sum("idp.outbox.given_up", ("channel", "email")));
    }

    /// <summary>Listens to the <c>Idp</c> meter of one host (its <see cref="IMeterFactory"/> is the meter's scope).</summary>
    private sealed class RecordedMeasurements : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly ConcurrentQueue<(string Instrument, long Value, KeyValuePair<string, object?>[] Tags)> _measurements = new();

        public RecordedMeasurements(IdpFactory idp)
        {
            var scope = idp.Services.GetRequiredService<IMeterFactory>();
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == IdpMetrics.MeterName && ReferenceEquals(instrument.Meter.Scope, scope))
                    listener.EnableMeasurementEvents(instrument);
            };
            _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => _measurements.Enqueue((instrument.Name, value, tags.ToArray())));
            _listener.Start();
        }

        public long Sum(string instrument, params (string Key, string Value)[] tags) =>
            _measurements
                .Where(m => m.Instrument == instrument && tags.All(t => m.Tags.Any(x => x.Key == t.Key && Equals(x.Value, t.Value))))
                .Sum(m => m.Value);

        public void Dispose() => _listener.Dispose();
    }
}
