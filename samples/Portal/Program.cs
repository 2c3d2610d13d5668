using Microsoft.Extensions.Options;
using Portal;
using Portal.Authentication;
using Portal.Security;

var builder = WebApplication.CreateBuilder(args);
builder.Services.AddPortalAuthentication(builder.Configuration);
builder.Services.AddRazorPages(pages => pages.Conventions.AuthorizePage("/Claims"));

var app = builder.Build();

if (!app.Environment.IsDevelopment())
    app.UseExceptionHandler("/error");

app.UseSecurityHeaders(app.Services.GetRequiredService<IOptions<PortalOptions>>().Value.AuthorityOrigin);
app.UseStaticFiles();
app.UseRouting();
app.UseAuthentication();
app.UseAuthorization();
app.MapRazorPages();

await app.RunAsync();

public partial class Program;
