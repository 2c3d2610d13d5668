using System.Security.Cryptography;
using Idp.Admin.Tests.Infrastructure;
using Idp.Data.Entities;
using Microsoft.AspNetCore.Identity;

namespace Idp.Admin.Tests;

/// <summary>The admin user page lists each passkey's authenticator: model (or unknown), synced or device-bound, format, AAGUID.</summary>
public sealed class PasskeyModelAdminTests
{
    [Fact]
    public async Task UserPage_ShowsAPasskeysAuthenticator_UnknownWithoutMetadata()
    {
        await using var world = AdminWorld.Start();
        var (agent, secret) = await world.CreateStaffAsync(StaffRolesFor.Helpdesk);
        var user = await world.Idp.CreateUserAsync();
        await world.Idp.WithScopeAsync(async services =>
        {
            var users = services.GetRequiredService<UserManager<IdpUser>>();
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var passkey = new UserPasskeyInfo(RandomNumberGenerator.GetBytes(16), key.ExportSubjectPublicKeyInfo(), world.Idp.Clock.GetUtcNow(), 0, ["usb"],
                isUserVerified: true, isBackupEligible: false, isBackedUp: false, attestationObject: [], clientDataJson: []) { Name = "Desk key" };
            Assert.True((await users.AddOrUpdatePasskeyAsync((await users.FindByIdAsync(user.Id))!, passkey)).Succeeded);
        });
        using var browser = world.CreateBrowser();

        var page = await world.SignInToAdminAsync(browser, agent, secret, $"/users/{user.Id}");

        var model = page.Document.QuerySelector("#factors .factor-model")?.TextContent ?? "";
        Assert.Contains("unknown authenticator (device-bound, none,", model);
        Assert.Contains("AAGUID 00000000-0000-0000-0000-000000000000", model);
    }
}
