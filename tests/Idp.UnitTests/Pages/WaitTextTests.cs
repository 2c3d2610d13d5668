using System.Globalization;
using Idp.Pages.Infrastructure;
using Idp.Resources;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Idp.UnitTests.Pages;

public sealed class WaitTextTests
{
    private static readonly IStringLocalizer<SharedResource> Text =
        new StringLocalizer<SharedResource>(new ResourceManagerStringLocalizerFactory(Options.Create(new LocalizationOptions()), NullLoggerFactory.Instance));

    [Theory]
    [InlineData(1, "in less than a minute")]
    [InlineData(59, "in less than a minute")]
    [InlineData(60, "in one minute")]
    [InlineData(61, "in 2 minutes")]
    [InlineData(862, "in 15 minutes")]
    [InlineData(900, "in 15 minutes")]
    public void Wait_IsGivenInMinutes_RoundedUp(int seconds, string expected) =>
        Assert.Equal(expected, InCulture("en", () => WaitText.Of(TimeSpan.FromSeconds(seconds), Text)));

    [Fact]
    public void Wait_InGerman_SaysMinuten() =>
        Assert.Equal("in 15 Minuten", InCulture("de", () => WaitText.Of(TimeSpan.FromSeconds(862), Text)));

    private static string InCulture(string culture, Func<string> action)
    {
        var before = CultureInfo.CurrentUICulture;
        CultureInfo.CurrentUICulture = new CultureInfo(culture);
        try
        {
            return action();
        }
        finally
        {
            CultureInfo.CurrentUICulture = before;
        }
    }
}
