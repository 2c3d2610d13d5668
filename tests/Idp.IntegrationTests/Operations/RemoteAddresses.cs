using System.Net;
using Idp.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;

namespace Idp.IntegrationTests.Operations;

/// <summary>
/// The test server gives requests no remote address. This makes every request arrive from a proxy on 127.0.0.1 (a
/// trusted proxy by default), so a test picks the client's address with <c>X-Forwarded-For</c>, as behind a load
/// balancer; without the header the request comes from loopback itself.
/// </summary>
internal static class RemoteAddresses
{
    public const string ForwardedFor = "X-Forwarded-For";

    public static IdpFactory FromLoopbackProxy(this IdpFactory factory) =>
        factory.WithServices(services => services.AddTransient<IStartupFilter, LoopbackProxyFilter>());

    private sealed class LoopbackProxyFilter : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((http, nextMiddleware) =>
            {
                http.Connection.RemoteIpAddress = IPAddress.Loopback;
                return nextMiddleware(http);
            });
            next(app);
        };
    }
}
