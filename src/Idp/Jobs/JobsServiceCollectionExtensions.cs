using Idp.Configuration;
using Idp.Protocol.Keys;
using Microsoft.Extensions.Options;
using Quartz;

namespace Idp.Jobs;

public static class JobsServiceCollectionExtensions
{
    /// <summary>The configuration switch for the scheduler (default on); tests turn it off.</summary>
    public const string EnabledSetting = IdpCore.JobsEnabledSetting;

    internal static readonly TimeSpan CleanupInterval = TimeSpan.FromHours(1);

    /// <summary>
    /// Quartz (an in-memory store on SQLite; on PostgreSQL and SQL Server the clustered ADO.NET store, so each firing runs on one node
    /// and the schedule survives restarts), the signing key rotation (every <c>Idp:SigningKeys:CheckInterval</c>) and the
    /// expired data cleanup (hourly). With <c>Idp:Jobs:Enabled=false</c> the scheduler is built but never started.
    /// </summary>
    public static IServiceCollection AddIdpJobs(this IServiceCollection services, IConfiguration configuration)
    {
        var database = configuration.GetSection($"{IdpOptions.Section}:Database").Get<DatabaseOptions>() ?? new DatabaseOptions();
        services.AddIdpSigningKeys(); // the rotation job needs the key services; registering twice is harmless

        services.AddQuartz(quartz =>
        {
            // Quartz takes the application's TimeProvider from the container (tests move it).
            if (database.Provider is DatabaseProvider.PostgreSql or DatabaseProvider.SqlServer)
            {
                quartz.UsePersistentStore(store =>
                {
                    if (database.Provider == DatabaseProvider.SqlServer)
                        store.UseSqlServer(Microsoft.Data.SqlClient.SqlClientFactory.Instance, database.ConnectionString);
                    else
                        store.UsePostgres(database.ConnectionString);
                    // Quartz's own schema for the dialect (qrtz_* tables, the script embedded in the Quartz package),
                    // created when missing; jobs store no job data.
                    store.ProvisionSchema();
                    store.UseClustering(clustering => clustering.CheckinInterval = TimeSpan.FromSeconds(10));
                });
            }
            else
            {
                quartz.UseInMemoryStore();
            }

            quartz.AddJob<SigningKeyRotationJob>(job => job.WithIdentity(SigningKeyRotationJob.Key).WithDescription("Rotates the signing keys"));
            quartz.AddTrigger((provider, trigger) => trigger
                .ForJob(SigningKeyRotationJob.Key)
                .WithIdentity("signing-key-rotation", "idp")
                .StartNow()
                .WithSimpleSchedule(provider.GetRequiredService<IOptions<IdpOptions>>().Value.SigningKeys.CheckInterval));

            quartz.AddJob<ExpiredDataCleanupJob>(job => job.WithIdentity(ExpiredDataCleanupJob.Key).WithDescription("Deletes expired codes, tokens, requests and sessions"));
            quartz.AddTrigger(trigger => trigger
                .ForJob(ExpiredDataCleanupJob.Key)
                .WithIdentity("expired-data-cleanup", "idp")
                .StartNow()
                .WithSimpleSchedule(CleanupInterval));

            quartz.AddJob<HelpdeskSlaJob>(job => job.WithIdentity(HelpdeskSlaJob.Key).WithDescription("Helpdesk SLA: reminders, escalations, breaches"));
            quartz.AddTrigger((provider, trigger) => trigger
                .ForJob(HelpdeskSlaJob.Key)
                .WithIdentity("helpdesk-sla", "idp")
                .StartNow()
                .WithSimpleSchedule(provider.GetRequiredService<IOptions<Helpdesk.HelpdeskOptions>>().Value.CheckInterval));

            if (!string.IsNullOrEmpty(configuration[$"{IdpOptions.Section}:Passkeys:Metadata:Url"]))
            {
                quartz.AddJob<PasskeyMetadataRefreshJob>(job => job.WithIdentity(PasskeyMetadataRefreshJob.Key).WithDescription("Fetches the FIDO metadata BLOB"));
                quartz.AddTrigger((provider, trigger) => trigger
                    .ForJob(PasskeyMetadataRefreshJob.Key)
                    .WithIdentity("passkey-metadata-refresh", "idp")
                    .StartNow()
                    .WithSimpleSchedule(provider.GetRequiredService<IOptions<IdpOptions>>().Value.Passkeys.Metadata.RefreshInterval));
            }
        });
        services.AddHttpClient(PasskeyMetadataRefreshJob.HttpClientName, client => client.Timeout = TimeSpan.FromSeconds(60));
        services.AddQuartzHostedService(hosted => hosted.WaitForJobsToComplete = true);
        services.AddOptions<QuartzHostedServiceOptions>()
            .Configure<IConfiguration>((hosted, configuration) => hosted.AutoStart = configuration.GetValue(EnabledSetting, defaultValue: true));
        return services;
    }
}
