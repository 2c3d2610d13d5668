using Idp.Configuration;
using Microsoft.Extensions.Options;

namespace Idp.Helpdesk;

public static class HelpdeskServiceCollectionExtensions
{
    /// <summary>The reset-request domain, its SLA calendar (options validated at start-up) and e-mails.</summary>
    public static IServiceCollection AddIdpHelpdesk(this IServiceCollection services)
    {
        services.AddSettings<HelpdeskOptions>(HelpdeskOptions.Section);
        services.AddSingleton<IValidateOptions<HelpdeskOptions>, HelpdeskOptionsValidator>();
        services.AddSingleton<SlaCalendar>();
        services.AddScoped<HelpdeskEmails>();
        services.AddScoped<HelpdeskRequests>();
        services.AddScoped<SlaMonitor>();
        return services;
    }
}
