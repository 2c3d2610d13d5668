using System.Diagnostics.Metrics;
using Idp.Factors;

namespace Idp.Operations;

/// <summary>
/// Idp's own meter ("Idp"): what happens in sign-ins, factors, tokens and the helpdesk, for dashboards and alerts.
/// Tags carry only bounded values (outcomes, factor kinds, grant types, configured client ids), never a user or a token.
/// The two gauges read <see cref="OperationsGauges"/>, which a background service refreshes from the database.
/// </summary>
public sealed class IdpMetrics
{
    public const string MeterName = "Idp";

    private readonly Counter<long> _signIns;
    private readonly Counter<long> _secondFactors;
    private readonly Counter<long> _tokensIssued;
    private readonly Counter<long> _refreshTokenReuse;
    private readonly Counter<long> _slaBreaches;
    private readonly Counter<long> _messageFailures;
    private readonly Counter<long> _messagesGivenUp;
    private readonly Histogram<double> _sqliteCheckpoints;

    public IdpMetrics(IMeterFactory meterFactory, OperationsGauges gauges)
    {
        var meter = meterFactory.Create(MeterName);
        _signIns = meter.CreateCounter<long>("idp.sign_ins", description: "Password checks by outcome (succeeded, failed, ambiguous_login, email_not_confirmed).");
        _secondFactors = meter.CreateCounter<long>("idp.second_factor.verifications", description: "Second-factor verifications by factor kind and outcome (succeeded, failed, replayed).");
        _tokensIssued = meter.CreateCounter<long>("idp.tokens.issued", description: "Token responses by grant type and client.");
        _refreshTokenReuse = meter.CreateCounter<long>("idp.refresh_tokens.reuse_detected", description: "Consumed refresh tokens presented again (the family is revoked).");
        _slaBreaches = meter.CreateCounter<long>("idp.helpdesk.sla_breaches", description: "Helpdesk reset requests that passed their SLA due time.");
        _messageFailures = meter.CreateCounter<long>("idp.messages.failures", description: "Failed delivery attempts of outbox messages, by channel (email, sms, backchannel_logout, webpush).");
        _messagesGivenUp = meter.CreateCounter<long>("idp.outbox.given_up", description: "Outbox messages given up and marked failed, by channel.");
        _sqliteCheckpoints = meter.CreateHistogram<double>("idp.sqlite.checkpoint.duration", unit: "ms",
            description: "SQLite's background checkpoints by mode: passive runs beside the writers, restart holds them for its duration; outcome completed or busy.");
        meter.CreateObservableGauge("idp.helpdesk.reset_requests.open", () => gauges.OpenResetRequests, description: "Open helpdesk reset requests.");
        meter.CreateObservableGauge("idp.outbox.backlog", () => gauges.OutboxBacklog, description: "Messages waiting in the outbox.");
        meter.CreateObservableGauge("idp.outbox.waiting", () => ByKind(gauges.OutboxWaitingByKind), description: "Outbox messages neither sent nor given up, by channel.");
        meter.CreateObservableGauge("idp.outbox.failed", () => ByKind(gauges.OutboxFailedByKind), description: "Outbox messages given up (listed in the admin area), by channel.");
        meter.CreateObservableGauge("idp.outbox.oldest_age", () => gauges.OutboxOldestAgeSeconds, unit: "s", description: "Age of the oldest message waiting in the outbox.");
    }

    public void SignIn(Authentication.PasswordSignInStatus status) =>
        _signIns.Add(1, new KeyValuePair<string, object?>("outcome", status switch
        {
            Authentication.PasswordSignInStatus.Succeeded => "succeeded",
            Authentication.PasswordSignInStatus.AmbiguousLogin => "ambiguous_login",
            Authentication.PasswordSignInStatus.EmailNotConfirmed => "email_not_confirmed",
            _ => "failed",
        }));

    public void SecondFactor(FactorKind kind, string outcome) =>
        _secondFactors.Add(1, new("kind", kind.ToString().ToLowerInvariant()), new("outcome", outcome));

    public void TokenIssued(string grantType, string clientId) =>
        _tokensIssued.Add(1, new("grant_type", grantType), new("client_id", clientId));

    public void RefreshTokenReused(string clientId) =>
        _refreshTokenReuse.Add(1, new KeyValuePair<string, object?>("client_id", clientId));

    public void SlaBreaches(int count)
    {
        if (count > 0)
            _slaBreaches.Add(count);
    }

    /// <summary>One SQLite checkpoint step: <paramref name="mode"/> <c>passive</c> or <c>restart</c>.</summary>
    public void SqliteCheckpoint(string mode, TimeSpan duration, bool busy) =>
        _sqliteCheckpoints.Record(duration.TotalMilliseconds, new("mode", mode), new("outcome", busy ? "busy" : "completed"));

    public void MessageFailed(string channel) =>
        _messageFailures.Add(1, new KeyValuePair<string, object?>("channel", channel));

    private static IEnumerable<Measurement<long>> ByKind(IReadOnlyDictionary<Data.Entities.OutboxChannel, long> counts) =>
        Enum.GetValues<Data.Entities.OutboxChannel>().Select(kind =>
            new Measurement<long>(counts.TryGetValue(kind, out var count) ? count : 0, new KeyValuePair<string, object?>("channel", KindTag(kind))));

    public void MessageGivenUp(Data.Entities.OutboxChannel kind) =>
        _messagesGivenUp.Add(1, new KeyValuePair<string, object?>("channel", KindTag(kind)));

    /// <summary>The <c>channel</c> tag of an outbox kind.</summary>
    public static string KindTag(Data.Entities.OutboxChannel kind) => kind switch
    {
        Data.Entities.OutboxChannel.Email => "email",
        Data.Entities.OutboxChannel.Sms => "sms",
        Data.Entities.OutboxChannel.BackChannelLogout => "backchannel_logout",
        Data.Entities.OutboxChannel.WebPush => "webpush",
        _ => "other",
    };
}

/// <summary>Outcomes of a second-factor verification, as the <c>outcome</c> tag.</summary>
public static class FactorOutcomes
{
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";
    public const string Replayed = "replayed";
}
