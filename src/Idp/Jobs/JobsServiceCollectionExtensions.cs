namespace Idp.Jobs;

public static class JobsServiceCollectionExtensions
{
    public static IServiceCollection AddIdpJobs(this IServiceCollection services)
    {
        return services;
    }
}
