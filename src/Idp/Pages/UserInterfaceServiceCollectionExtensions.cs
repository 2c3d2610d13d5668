namespace Idp.Pages;

public static class UserInterfaceServiceCollectionExtensions
{
    public static IServiceCollection AddIdpUserInterface(this IServiceCollection services)
    {
        services.AddRazorPages();
        return services;
    }

    public static WebApplication UseIdpUserInterface(this WebApplication app)
    {
        app.UseStaticFiles();
        app.UseRouting();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();
        return app;
    }

    public static WebApplication MapIdpUserInterface(this WebApplication app)
    {
        app.MapRazorPages();
        return app;
    }
}
