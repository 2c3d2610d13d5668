using Idp.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;

namespace Idp.IntegrationTests.Harness;

/// <summary>Two nodes on one database, as behind a load balancer.</summary>
public sealed class ClusterTests
{
    [Fact]
    public async Task Cluster_NodesShareDatabaseKeyAndClock()
    {
        await using var cluster = new IdpCluster().Start();

        var user = await cluster.NodeA.CreateUserAsync();
        var seenOnB = await cluster.NodeB.WithDbAsync(db => db.Users.AnyAsync(u => u.Id == user.Id));
        cluster.Clock.Advance(TimeSpan.FromMinutes(5));

        Assert.True(seenOnB);
        Assert.Equal(cluster.NodeA.Database.ConnectionString, cluster.NodeB.Database.ConnectionString);
        Assert.Equal(cluster.NodeA.KeyEncryptionKey, cluster.NodeB.KeyEncryptionKey);
        Assert.Equal(cluster.NodeA.Services.GetRequiredService<TimeProvider>().GetUtcNow(), cluster.NodeB.Services.GetRequiredService<TimeProvider>().GetUtcNow());
    }

    [Fact]
    public async Task Cluster_DataProtectedOnNodeA_IsReadableOnNodeB()
    {
        await using var cluster = new IdpCluster().Start();
        const string purpose = "Idp.IntegrationTests.Cluster";

        var protectedOnA = cluster.NodeA.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector(purpose).Protect("hello from A");
        var readOnB = cluster.NodeB.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector(purpose).Unprotect(protectedOnA);

        Assert.Equal("hello from A", readOnB);
    }

    [Fact]
    public async Task Cluster_BrowserSwitchingNodes_KeepsItsAntiforgeryCookie()
    {
        await using var cluster = new IdpCluster().Configure(node => node.WithServices(HarnessPages.Add));
        using var browser = cluster.CreateBrowser();
        var page = await browser.GetAsync("/_harness/form");

        browser.UseNode(cluster.NodeB);
        var result = await browser.SubmitFormAsync(page, "#signin", new() { ["password"] = "p" });

        Assert.Same(cluster.NodeB, browser.Node);
        Assert.True(result.IsExternalRedirect, $"expected the redirect to the client, got {result}");
        Assert.Equal("p", result.LocationParameter("password"));
    }
}
