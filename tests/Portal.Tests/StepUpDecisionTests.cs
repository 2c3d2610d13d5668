using Portal.Authentication;

namespace Portal.Tests;

public sealed class StepUpDecisionTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 10, 0, 0, TimeSpan.Zero);
    private static readonly StepUpRequest Demand = new(AcrLevels.SecondFactor, 300);

    private static SessionAuthentication Session(string acr, TimeSpan authAge, StepUpRequest? stepUp = null, TimeSpan? signedInAgo = null) =>
        new(acr, ["pwd"], Now - authAge, Now - (signedInAgo ?? TimeSpan.FromSeconds(5)), stepUp);

    [Theory]
    [InlineData(AcrLevels.SecondFactor, true)]
    [InlineData(AcrLevels.PhishingResistant, true)]
    [InlineData(AcrLevels.Password, false)]
    [InlineData("urn:idp:acr:2fa", false)]
    public void IsSatisfiedBy_HigherLevelSatisfiesLower(string acr, bool satisfied)
    {
        Assert.Equal(satisfied, Demand.IsSatisfiedBy(Session(acr, TimeSpan.FromMinutes(1)), Now));
    }

    [Fact]
    public void IsSatisfiedBy_AuthenticationOlderThanMaxAge_IsNot()
    {
        Assert.False(Demand.IsSatisfiedBy(Session(AcrLevels.SecondFactor, TimeSpan.FromSeconds(301)), Now));
    }

    [Fact]
    public void For_PlainSignIn_Challenges()
    {
        var decision = StepUpDecision.For(Demand, Session(AcrLevels.Password, TimeSpan.FromMinutes(1)), Now);

        Assert.Equal(Demand, decision.Challenge);
    }

    [Fact]
    public void For_JustSteppedUpForThisDemand_ExplainsInstead()
    {
        var decision = StepUpDecision.For(Demand, Session(AcrLevels.Password, TimeSpan.FromSeconds(10), Demand), Now);

        Assert.Null(decision.Challenge);
        Assert.StartsWith(StepUpDecision.UnreachablePrefix, decision.Unreachable);
    }

    [Fact]
    public void For_JustSteppedUpForAWeakerDemand_ChallengesForTheStrongerOne()
    {
        var phr = new StepUpRequest(AcrLevels.PhishingResistant, 300);

        var decision = StepUpDecision.For(phr, Session(AcrLevels.SecondFactor, TimeSpan.FromSeconds(10), Demand), Now);

        Assert.Equal(phr, decision.Challenge);
    }

    [Fact]
    public void For_SteppedUpLongAgo_ChallengesAgain()
    {
        var session = Session(AcrLevels.SecondFactor, TimeSpan.FromMinutes(10), Demand, signedInAgo: TimeSpan.FromMinutes(10));

        Assert.NotNull(StepUpDecision.For(Demand, session, Now).Challenge);
    }

    [Fact]
    public void For_IdpIgnoredMaxAge_SaysSo()
    {
        var session = Session(AcrLevels.SecondFactor, TimeSpan.FromHours(1), Demand);

        Assert.Contains("did not ask you to authenticate again", StepUpDecision.For(Demand, session, Now).Unreachable);
    }
}
