using System.Text.Json;
using Idp.Admin.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.ApplicationParts;
using Microsoft.AspNetCore.Mvc.Razor.Compilation;

namespace Idp.Admin.Tests;

/// <summary>
/// The admin area is built on Idp.Core, never on the Idp web project: its build output carries neither Idp's pages nor
/// Idp's appsettings, and it serves only its own pages.
/// </summary>
public sealed class AdminBuildTests
{
    [Fact]
    public void AdminArea_DependsOnIdpCore_NotOnTheIdpWebProject()
    {
        var references = typeof(Program).Assembly.GetReferencedAssemblies().Select(a => a.Name).ToList();
        using var deps = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Idp.Admin.deps.json")));
        var libraries = deps.RootElement.GetProperty("libraries").EnumerateObject().Select(library => library.Name.Split('/')[0]).ToList();

        Assert.Contains("Idp.Core", references);
        Assert.DoesNotContain("Idp", references);
        Assert.Contains("Idp.Core", libraries);
        Assert.DoesNotContain("Idp", libraries);
    }

    [Fact]
    public async Task AdminArea_ServesOnlyItsOwnPages()
    {
        await using var world = AdminWorld.Start();
        var parts = world.Admin.Services.GetRequiredService<ApplicationPartManager>();
        var views = new ViewsFeature();
        parts.PopulateFeature(views);

        Assert.DoesNotContain("Idp", parts.ApplicationParts.Select(part => part.Name));
        Assert.NotEmpty(views.ViewDescriptors);
        Assert.All(views.ViewDescriptors, view => Assert.Equal(typeof(Program).Assembly, view.Type?.Assembly));
    }
}
