using Idp.Data.Entities;
using Idp.Protocol.Keys;

namespace Idp.UnitTests.Protocol.Keys;

public sealed class SigningKeySelectionTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Select_SeveralActive_PicksNewestActivation_IgnoresWaitingAndOtherAlgorithm()
    {
        SigningKey[] keys =
        [
            Key("old", "RS256", activates: -40, retires: -10),
            Key("current", "RS256", activates: -10, retires: 20),
            Key("overlap", "RS256", activates: -20, retires: 10),
            Key("next", "RS256", activates: 20, retires: 50),
            Key("ec", "ES256", activates: -1, retires: 29),
        ];

        Assert.Equal("current", SigningKeySelection.Select(keys, "RS256", Now)?.Id);
        Assert.Equal("ec", SigningKeySelection.Select(keys, "ES256", Now)?.Id);
    }

    [Fact]
    public void Select_NoneActive_RetiredKeyKeepsSigning_WaitingKeyNeverSignsEarly()
    {
        SigningKey[] keys = [Key("retired", "RS256", activates: -40, retires: -10, expires: 5), Key("waiting", "RS256", activates: 1, retires: 31)];

        // The waiting key may not be in every relying party's JWKS yet; the retired one still is.
        Assert.Equal("retired", SigningKeySelection.Select(keys, "RS256", Now)?.Id);
    }

    [Fact]
    public void Select_OnlyWaitingKeys_PicksNewestPublished()
    {
        // A node whose clock is a little behind the one that made the first key of a fresh install: Idp must sign.
        SigningKey[] keys = [Key("first", "RS256", activates: 1, retires: 31)];

        Assert.Equal("first", SigningKeySelection.Select(keys, "RS256", Now)?.Id);
    }

    [Fact]
    public void Select_TwoKeysMadeAtOnce_PicksTheSameOneWhateverTheOrder()
    {
        SigningKey[] keys = [Key("a", "RS256", activates: -1, retires: 29), Key("b", "RS256", activates: -1, retires: 29)];

        Assert.Equal("b", SigningKeySelection.Select(keys, "RS256", Now)?.Id);
        Assert.Equal("b", SigningKeySelection.Select(keys.Reverse(), "RS256", Now)?.Id);
    }

    [Fact]
    public void Select_OnlyExpiredKeys_PicksNone()
    {
        SigningKey[] keys = [Key("gone", "RS256", activates: -40, retires: -10, expires: -1)];

        Assert.Null(SigningKeySelection.Select(keys, "RS256", Now));
    }

    private static SigningKey Key(string id, string algorithm, int activates, int retires, int? expires = null) => new()
    {
        Id = id,
        Algorithm = algorithm,
        CreatedAt = Now.AddDays(activates - 1),
        ActivatesAt = Now.AddDays(activates),
        RetiresAt = Now.AddDays(retires),
        ExpiresAt = Now.AddDays(expires ?? retires + 1),
    };
}
