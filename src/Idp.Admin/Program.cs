namespace Idp.Admin;

public partial class Program
{
    public static async Task Main(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.AddIdpAdmin();
        var app = builder.Build();
        app.UseIdpAdmin();
        await app.RunAsync();
    }
}
