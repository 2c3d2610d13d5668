using System.Text.Json;
using Idp.Data;
using Idp.Messaging;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Idp.Operations;

/// <summary>
/// <c>/health/live</c> (the process answers; runs no check, touches no database) and <c>/health/ready</c> (database
/// reachable, no pending migration, an active signing key, the outbox moving), each with a JSON body. Ready answers
/// 503 when a check fails. The bodies name checks and states only, never an exception text or a connection string.
/// </summary>
public static class IdpHealthChecks
{
    public const string LivePath = "/health/live";
    public const string ReadyPath = "/health/ready";
    public const string ReadyTag = "ready";

    public static IServiceCollection AddIdpHealthChecks(this IServiceCollection services, IConfiguration configuration)
    {
        var timeout = configuration.GetSection(HealthOptions.Section).Get<HealthOptions>()?.CheckTimeout ?? new HealthOptions().CheckTimeout;
        services.AddHealthChecks()
            .AddCheck<DatabaseHealthCheck>("database", tags: [ReadyTag], timeout: timeout)
            .AddCheck<MigrationsHealthCheck>("migrations", tags: [ReadyTag], timeout: timeout)
            .AddCheck<SigningKeyHealthCheck>("signing_key", tags: [ReadyTag], timeout: timeout)
            .AddCheck<OutboxHealthCheck>("outbox", tags: [ReadyTag], timeout: timeout);
        return services;
    }

    public static IEndpointRouteBuilder MapIdpHealthChecks(this IEndpointRouteBuilder endpoints)
    {
        // Anonymous also where a fallback policy demands a signed-in user (the admin area): probes carry no cookie.
        endpoints.MapHealthChecks(LivePath, new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteAsync }).AllowAnonymous();
        endpoints.MapHealthChecks(ReadyPath, new HealthCheckOptions { Predicate = check => check.Tags.Contains(ReadyTag), ResponseWriter = WriteAsync }).AllowAnonymous();
        return endpoints;
    }

    private static Task WriteAsync(HttpContext http, HealthReport report)
    {
        http.Response.ContentType = "application/json; charset=utf-8";
        var body = new
        {
            status = report.Status.ToString(),
            totalDurationMs = Math.Round(report.TotalDuration.TotalMilliseconds, 1),
            checks = report.Entries.Select(entry => new
            {
                name = entry.Key,
                status = entry.Value.Status.ToString(),
                // A check that threw gets its exception's message as description: it may name hosts or databases.
                description = entry.Value.Exception is null ? entry.Value.Description : "The check failed; see the log.",
                durationMs = Math.Round(entry.Value.Duration.TotalMilliseconds, 1),
            }),
        };
        return http.Response.WriteAsync(JsonSerializer.Serialize(body, JsonSerializerOptions.Web));
    }
}

internal sealed class DatabaseHealthCheck(IdpDbContext db) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        await db.Database.CanConnectAsync(cancellationToken)
            ? HealthCheckResult.Healthy("The database answers.")
            : new HealthCheckResult(context.Registration.FailureStatus, "The database cannot be reached.");
}

internal sealed class MigrationsHealthCheck(IdpDbContext db) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).Count();
        return pending == 0
            ? HealthCheckResult.Healthy("No pending migration.")
            : new HealthCheckResult(context.Registration.FailureStatus, $"{pending} pending migration(s): run 'Idp migrate'.");
    }
}

internal sealed class SigningKeyHealthCheck(IdpDbContext db, TimeProvider clock) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow();
        var active = await db.SigningKeys.AnyAsync(k => k.ActivatesAt <= now && now < k.RetiresAt && now < k.ExpiresAt, cancellationToken);
        return active
            ? HealthCheckResult.Healthy("A signing key is active.")
            : new HealthCheckResult(context.Registration.FailureStatus, "No signing key is active: is the rotation job running?");
    }
}

internal sealed class OutboxHealthCheck(IdpDbContext db, TimeProvider clock, IOptions<HealthOptions> options) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (options.Value.OutboxMaxAge is not { } maxAge)
            return HealthCheckResult.Healthy("Not checked (Idp:Health:OutboxMaxAge is unset).");
        var backlog = await OutboxBacklog.ReadAsync(db, cancellationToken);
        var age = backlog.Oldest is { } oldest ? clock.GetUtcNow() - oldest : TimeSpan.Zero;
        // Given-up e-mails are reported, not failed on: no node can deliver them by restarting or waiting.
        var failed = backlog.Failed > 0 ? $" {backlog.Failed} e-mail(s) given up." : "";
        return age <= maxAge
            ? HealthCheckResult.Healthy($"{backlog.Count} e-mail(s) waiting.{failed}")
            : new HealthCheckResult(context.Registration.FailureStatus, $"{backlog.Count} e-mail(s) waiting; the oldest for {age:c}, longer than {maxAge:c}.{failed}");
    }
}
