using Api.Authentication;
using Api.BankDetails;
using Api.Profile;

var builder = WebApplication.CreateBuilder(args);
builder.Services.AddProblemDetails();
builder.Services.AddAccessTokenAuthentication(builder.Configuration);
builder.Services.AddSingleton<BankDetailsStore>();

var app = builder.Build();

app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseAuthentication();
app.UseAuthorization();
app.MapProfileEndpoints();
app.MapBankDetailsEndpoints();

await app.RunAsync();

public partial class Program;
