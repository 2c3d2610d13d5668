namespace Idp.Protocol;

public static class ProtocolServiceCollectionExtensions
{
    public static IServiceCollection AddIdpProtocol(this IServiceCollection services)
    {
        return services;
    }

    public static IEndpointRouteBuilder MapIdpProtocol(this IEndpointRouteBuilder endpoints)
    {
        return endpoints;
    }
}
