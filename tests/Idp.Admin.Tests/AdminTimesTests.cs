using System.Globalization;
using Idp.Admin.Tests.Infrastructure;
using Idp.Configuration;
using Idp.Helpdesk;
using Idp.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Idp.Admin.Tests;

/// <summary>Times in the admin area: the helpdesk's time zone, named; when a rotated key is published and signs; the chart's day labels.</summary>
public sealed class AdminTimesTests
{
    private const string Zone = "America/New_York";

    [Fact]
    public async Task QueueAndRequestPage_ShowTheConfiguredZonesLocalTime_AndNameIt()
    {
        await using var world = AdminWorld.Start(
            configure: idp => idp.WithSetting("Idp:Helpdesk:Sla:TimeZone", Zone),
            configureAdmin: services => services.Configure<HelpdeskOptions>(helpdesk => helpdesk.Sla.TimeZone = Zone));
        var (agent, secret) = await world.CreateStaffAsync(StaffRolesFor.Helpdesk);
        var request = await world.SubmitResetRequestAsync(await world.Idp.CreateUserAsync());
        using var browser = world.CreateBrowser();

        var queue = await world.SignInToAdminAsync(browser, agent, secret);
        Assert.Equal(Expected(request.DueAt), queue.Text($"tr[data-request-id='{request.Id}'] td.due"));

        var detail = await browser.GetAsync($"/requests/{request.Id}");
        Assert.Equal(Expected(request.SubmittedAt), detail.Text("#submitted-at"));
        Assert.StartsWith(Expected(request.DueAt), detail.Text("#due-at"));
        Assert.DoesNotContain("UTC", detail.Text("#request-details") ?? detail.Body);
    }

    [Fact]
    public async Task KeysPage_RotateNow_ShowsWhenTheKeyIsPublishedEverywhere_AndWhenItSigns()
    {
        var refresh = TimeSpan.FromMinutes(2);
        await using var world = AdminWorld.Start(configureAdmin: services => services.Configure<IdpOptions>(idp => idp.SigningKeys.RefreshInterval = refresh));
        var (admin, secret) = await world.CreateStaffAsync(StaffRolesFor.Admin);
        using var browser = world.CreateBrowser();
        await world.SignInToAdminAsync(browser, admin, secret, "/keys");

        var page = await browser.SubmitFormAsync("#rotate-key-form", new() { ["Algorithm"] = "ES256", ["Reason"] = "yearly rotation" });

        var key = await world.Idp.WithDbAsync(db => db.SigningKeys.Where(k => k.Algorithm == "ES256").OrderByDescending(k => k.ActivatesAt).FirstAsync());
        Assert.True(key.ActivatesAt > key.CreatedAt + refresh);
        var row = $"#signing-keys tr[data-kid='{key.Id}']";
        Assert.Equal(Expected(key.CreatedAt + refresh, "Europe/Berlin"), page.Text($"{row} td.published-everywhere"));
        Assert.Equal(Expected(key.ActivatesAt, "Europe/Berlin"), page.Text($"{row} td.signs-from"));
        var notice = page.Body;
        Assert.Contains(Expected(key.CreatedAt + refresh, "Europe/Berlin"), notice);
        Assert.Contains(Expected(key.ActivatesAt, "Europe/Berlin"), notice);
    }

    [Fact]
    public async Task Dashboard_DayLabels_DoNotOverlap_AndStayInsideTheChart()
    {
        await using var world = AdminWorld.Start();
        var (supervisor, secret) = await world.CreateStaffAsync(StaffRolesFor.Supervisor);
        using var browser = world.CreateBrowser();

        var page = await world.SignInToAdminAsync(browser, supervisor, secret, "/dashboard");

        var chart = page.Document.QuerySelector("svg#sla-chart")!;
        var chartWidth = double.Parse(chart.GetAttribute("viewBox")!.Split(' ')[2], CultureInfo.InvariantCulture);
        var axisY = chart.QuerySelector("line")!.GetAttribute("y1")!;
        var labels = chart.QuerySelectorAll("text")
            .Where(t => double.Parse(t.GetAttribute("y")!, CultureInfo.InvariantCulture) > double.Parse(axisY, CultureInfo.InvariantCulture))
            .Select(t => Extent(t.GetAttribute("x")!, t.GetAttribute("font-size"), t.GetAttribute("text-anchor"), t.TextContent))
            .OrderBy(e => e.Left)
            .ToList();

        Assert.True(labels.Count >= 4, $"{labels.Count} day labels");
        Assert.All(labels, l => Assert.True(l.Left >= 0 && l.Right <= chartWidth, $"label {l} leaves the chart (0–{chartWidth})"));
        foreach (var (left, right) in labels.Zip(labels.Skip(1)))
            Assert.True(left.Right <= right.Left, $"labels {left} and {right} overlap");
    }

    /// <summary>
    /// Where a label's text lies: an SVG text is about 0.6 of its font size wide per character (digits and dots are
    /// narrower, so this errs on the wide side); the default font size is 16.
    /// </summary>
    private static (double Left, double Right, string Text) Extent(string x, string? fontSize, string? anchor, string text)
    {
        var at = double.Parse(x, CultureInfo.InvariantCulture);
        var width = text.Trim().Length * (fontSize is null ? 16 : double.Parse(fontSize, CultureInfo.InvariantCulture)) * 0.6;
        var left = anchor switch { "middle" => at - width / 2, "end" => at - width, _ => at };
        return (left, left + width, text.Trim());
    }

    private static string Expected(DateTimeOffset at, string zone = Zone) =>
        TimeZoneInfo.ConvertTime(at, TimeZoneInfo.FindSystemTimeZoneById(zone)).ToString("dd.MM.yyyy HH:mm", CultureInfo.InvariantCulture) + $" ({zone})";
}
