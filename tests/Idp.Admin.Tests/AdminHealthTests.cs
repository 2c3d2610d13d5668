using System.Net;
using Idp.Admin.Tests.Infrastructure;

namespace Idp.Admin.Tests;

public sealed class AdminHealthTests
{
    [Fact]
    public async Task AdminHealth_AnswersProbesWithoutSignIn()
    {
        await using var world = AdminWorld.Start();
        using var http = world.Admin.CreateClient(new() { AllowAutoRedirect = false });

        var live = await http.GetAsync("/health/live");
        var ready = await http.GetAsync("/health/ready");

        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Contains("\"signing_key\"", await ready.Content.ReadAsStringAsync());
    }
}
