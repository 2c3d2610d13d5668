using Idp.Authentication;
using Idp.Protocol.Authorize;
using Idp.Protocol.Discovery;
using Idp.Protocol.EndSession;
using Idp.Protocol.Introspection;
using Idp.Protocol.Par;
using Idp.Protocol.Revocation;
using Idp.Protocol.Token;
using Idp.Protocol.Token.Storage;
using Idp.Protocol.Tokens;
using Idp.Protocol.UserInfo;

namespace Idp.Protocol;

public static class ProtocolServiceCollectionExtensions
{
    public static IServiceCollection AddIdpProtocol(this IServiceCollection services)
    {
        // Keys, clients and token issuing come with AddIdpCore (Idp.Core); these are the endpoints and their state.
        services.AddScoped<TokenRevoker>();
        services.AddGrantStore();
        services.AddSingleton<LogoutRequests>();
        services.AddScoped<ILogoutInteraction, LogoutInteraction>();
        services.AddScoped<ParkedRequests>();
        services.AddScoped<IAuthorizationInteraction, AuthorizationInteraction>();

        services.AddSingleton<DiscoveryEndpoint>();
        services.AddSingleton<JwksEndpoint>();
        services.AddSingleton<AuthorizeRequestValidator>();
        services.AddScoped<AuthorizeEndpoint>();
        services.AddScoped<PushedAuthorizationEndpoint>();
        services.AddScoped<TokenEndpoint>();
        services.AddScoped<AuthorizationCodeGrant>();
        services.AddScoped<RefreshTokenGrant>();
        services.AddScoped<ClientCredentialsGrant>();
        services.AddScoped<UserInfoEndpoint>();
        services.AddScoped<RevocationEndpoint>();
        services.AddScoped<IntrospectionEndpoint>();
        services.AddScoped<EndSessionEndpoint>();
        return services;
    }

    public static IEndpointRouteBuilder MapIdpProtocol(this IEndpointRouteBuilder endpoints)
    {
        string[] getAndPost = [HttpMethods.Get, HttpMethods.Post];
        endpoints.MapGet(EndpointPaths.Discovery, (HttpContext http, DiscoveryEndpoint endpoint) => endpoint.Handle(http));
        endpoints.MapGet(EndpointPaths.OAuthMetadata, (HttpContext http, DiscoveryEndpoint endpoint) => endpoint.Handle(http));
        endpoints.MapGet(EndpointPaths.Jwks, (HttpContext http, JwksEndpoint endpoint) => endpoint.HandleAsync(http));
        endpoints.MapMethods(EndpointPaths.Authorize, getAndPost, (HttpContext http, AuthorizeEndpoint endpoint) => endpoint.HandleAsync(http));
        endpoints.MapGet(EndpointPaths.AuthorizeResume, (HttpContext http, AuthorizeEndpoint endpoint) => endpoint.ResumeAsync(http));
        endpoints.MapPost(EndpointPaths.PushedAuthorization, (HttpContext http, PushedAuthorizationEndpoint endpoint) => endpoint.HandleAsync(http));
        endpoints.MapPost(EndpointPaths.Token, (HttpContext http, TokenEndpoint endpoint) => endpoint.HandleAsync(http));
        endpoints.MapMethods(EndpointPaths.UserInfo, getAndPost, (HttpContext http, UserInfoEndpoint endpoint) => endpoint.HandleAsync(http));
        endpoints.MapPost(EndpointPaths.Revocation, (HttpContext http, RevocationEndpoint endpoint) => endpoint.HandleAsync(http));
        endpoints.MapPost(EndpointPaths.Introspection, (HttpContext http, IntrospectionEndpoint endpoint) => endpoint.HandleAsync(http));
        endpoints.MapMethods(EndpointPaths.EndSession, getAndPost, (HttpContext http, EndSessionEndpoint endpoint) => endpoint.HandleAsync(http));
        return endpoints;
    }
}
