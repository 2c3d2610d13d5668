using Idp.Authentication;
using Idp.Configuration;
using Idp.Data.Entities;
using Idp.Factors;

namespace Idp.UnitTests.Authentication;

public sealed class SignInRequirementsTests
{
    private static readonly MfaOptions StepUpOnly = new() { Policy = MfaPolicy.StepUpOnly, TrustBrowserDays = 14 };

    [Theory]
    [InlineData(null, MfaPolicy.StepUpOnly)]
    [InlineData(MfaPolicy.Never, MfaPolicy.StepUpOnly)]
    [InlineData(MfaPolicy.Required, MfaPolicy.Required)]
    public void Policy_ClientCanOnlyTighten(MfaPolicy? own, MfaPolicy expected)
    {
        var requirements = SignInRequirements.For(new Client { ClientId = "c", MfaPolicy = own }, StepUpOnly, [], [], [], null, []);
        Assert.Equal(expected, requirements.Policy);
    }

    [Theory]
    [InlineData(null, 14)]
    [InlineData(0, 0)]
    [InlineData(30, 30)]
    public void TrustBrowserDays_ClientsOwnElseGlobal(int? own, int expected)
    {
        var requirements = SignInRequirements.For(new Client { ClientId = "c", TrustBrowserDays = own }, StepUpOnly, [], [], [], null, []);
        Assert.Equal(expected, requirements.TrustBrowserDays);
    }

    [Fact]
    public void RequestedLevel_AnyListedValueSatisfies_SoTheLowestIsAsked()
    {
        Assert.Equal(new RequestedLevel(AuthenticationLevel.SecondFactor, false),
            RequestedLevel.From([AuthenticationLevels.PhishingResistantAcr, AuthenticationLevels.SecondFactorAcr], []));
        Assert.Equal(new RequestedLevel(AuthenticationLevel.PhishingResistant, true),
            RequestedLevel.From([AuthenticationLevels.SecondFactorAcr], [AuthenticationLevels.PhishingResistantAcr]));
        Assert.Null(RequestedLevel.From(["urn:unknown"], []));
    }

    [Fact]
    public void Prompt_IsRead()
    {
        var requirements = SignInRequirements.For(new Client { ClientId = "c" }, StepUpOnly, ["openid"], [], [], 60, ["none", "consent"]);
        Assert.True(requirements.PromptNone);
        Assert.True(requirements.PromptConsent);
        Assert.False(requirements.PromptLogin);
        Assert.Equal(60, requirements.MaxAge);
    }
}
