using Portal.Authentication;

namespace Portal.Tests;

public sealed class BearerChallengeParserTests
{
    [Fact]
    public void Parse_Rfc9470Example_ReadsErrorAndAcrValues()
    {
        var challenge = BearerChallengeParser.Parse(
            "Bearer error=\"insufficient_user_authentication\", error_description=\"A different authentication level is required\", acr_values=\"myACR\"");

        Assert.NotNull(challenge);
        Assert.True(challenge.IsInsufficientUserAuthentication);
        Assert.Equal("A different authentication level is required", challenge.ErrorDescription);
        Assert.Equal("myACR", challenge.AcrValues);
        Assert.Null(challenge.MaxAgeSeconds);
    }

    [Fact]
    public void Parse_MaxAgeAsTokenOrQuoted_IsRead()
    {
        Assert.Equal(5, BearerChallengeParser.Parse("Bearer error=\"insufficient_user_authentication\", max_age=\"5\"")!.MaxAgeSeconds);
        Assert.Equal(5, BearerChallengeParser.Parse("Bearer error=insufficient_user_authentication, max_age=5")!.MaxAgeSeconds);
    }

    [Fact]
    public void Parse_BearerAfterAnotherChallenge_ReadsOnlyBearersParameters()
    {
        var challenge = BearerChallengeParser.Parse(
            "Basic realm=\"x\", error=\"wrong\", Bearer realm=\"api\", error=\"invalid_token\", error_description=\"a \\\"quoted\\\" word, and a comma\", DPoP algs=\"ES256\"");

        Assert.Equal("invalid_token", challenge?.Error);
        Assert.Equal("a \"quoted\" word, and a comma", challenge?.ErrorDescription);
        Assert.Null(challenge?.AcrValues);
    }

    [Fact]
    public void Parse_NoBearerChallenge_IsNull()
    {
        Assert.Null(BearerChallengeParser.Parse("Basic realm=\"x\""));
        Assert.Null(BearerChallengeParser.Parse(""));
    }

    [Fact]
    public void Parse_BareBearer_HasNoError()
    {
        var challenge = BearerChallengeParser.Parse("Bearer");

        Assert.NotNull(challenge);
        Assert.Null(challenge.Error);
    }
}
