using Idp;

var builder = WebApplication.CreateBuilder(args);
builder.AddIdp();
var app = builder.Build();

if (args.Contains("migrate"))
{
    await app.MigrateDatabaseAsync();
    return;
}

await app.InitializeIdpAsync();
app.UseIdp();
await app.RunAsync();

public partial class Program;
