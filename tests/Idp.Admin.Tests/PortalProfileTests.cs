using Idp.Admin.Tests.Infrastructure;
using Idp.Data.Entities;
using Idp.IntegrationTests.Infrastructure;
using Idp.Testing;

namespace Idp.Admin.Tests;

/// <summary>The portal page shows the portal's security profile (read-only: only configuration sets one).</summary>
public sealed class PortalProfileTests
{
    [Fact]
    public async Task Portal_WithFapi2Profile_ShowsTheProfile()
    {
        using var key = TestClientKey.Ec("fapi-key");
        await using var world = AdminWorld.Start(configure: idp => idp
            .WithClient(TestClients.Create("fapi-portal", c =>
            {
                c.TokenEndpointAuthMethod = "private_key_jwt";
                c.Jwks = TestClientKey.Jwks(key);
                c.Profile = ClientProfile.Fapi2;
            }))
            .WithClient(TestClients.Create("plain-portal", c => c.Secret = TestClients.Secret)));
        var (admin, secret) = await world.CreateStaffAsync(StaffRolesFor.Admin);
        using var browser = world.CreateBrowser();

        var fapi = await world.SignInToAdminAsync(browser, admin, secret, "/clients/fapi-portal");
        var plain = await browser.GetAsync("/clients/plain-portal");

        Assert.StartsWith("FAPI 2.0", fapi.Text("#client-profile"));
        Assert.Equal("default", plain.Text("#client-profile"));
    }
}
