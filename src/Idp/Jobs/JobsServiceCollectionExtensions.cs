using Idp.Configuration;
using Idp.Protocol.Keys;
using Microsoft.Extensions.Options;
using Quartz;

namespace Idp.Jobs;

public static class JobsServiceCollectionExtensions
{
    /// <summary>The configuration switch for the scheduler (default on); tests turn it off.</summary>
    public const string EnabledSetting = "Idp:Jobs:Enabled";

    internal static readonly TimeSpan CleanupInterval = TimeSpan.FromHours(1);

    /// <summary>
    /// Quartz with an in-memory store, the signing key rotation (every <c>Idp:SigningKeys:CheckInterval</c>) and the
    /// expired data cleanup (hourly). With <c>Idp:Jobs:Enabled=false</c> the scheduler is built but never started.
    /// </summary>
    public static IServiceCollection AddIdpJobs(this IServiceCollection services)
    {
        services.AddIdpSigningKeys(); // the rotation job needs the key services; registering twice is harmless

        services.AddQuartz(quartz =>
        {
            quartz.UseInMemoryStore();

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
        });
        services.AddQuartzHostedService(hosted => hosted.WaitForJobsToComplete = true);
        services.AddOptions<QuartzHostedServiceOptions>()
            .Configure<IConfiguration>((hosted, configuration) => hosted.AutoStart = configuration.GetValue(EnabledSetting, defaultValue: true));
        return services;
    }
}
