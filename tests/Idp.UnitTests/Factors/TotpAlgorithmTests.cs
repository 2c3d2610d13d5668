using System.Text;
using Idp.Factors;
using Idp.Factors.RecoveryCodes;
using Idp.Factors.Totp;
using Idp.UnitTests.Protocol.Keys;

namespace Idp.UnitTests.Factors;

public sealed class TotpAlgorithmTests
{
    private static readonly byte[] RfcKey = Encoding.ASCII.GetBytes("12345678901234567890");

    // RFC 6238 Appendix B, SHA-1 rows (8 digits).
    [Theory]
    [InlineData(59L, "94287082")]
    [InlineData(1111111109L, "07081804")]
    [InlineData(1111111111L, "14050471")]
    [InlineData(1234567890L, "89005924")]
    [InlineData(2000000000L, "69279037")]
    [InlineData(20000000000L, "65353130")]
    public void Compute_Rfc6238Vectors_EightDigits(long unixSeconds, string expected) =>
        Assert.Equal(expected, TotpAlgorithm.Compute(RfcKey, DateTimeOffset.FromUnixTimeSeconds(unixSeconds), digits: 8));

    // The same rows truncated to six digits: the low six digits of the same truncated value (RFC 4226 §5.3).
    [Theory]
    [InlineData(59L, "287082")]
    [InlineData(1111111109L, "081804")]
    [InlineData(1111111111L, "050471")]
    [InlineData(1234567890L, "005924")]
    [InlineData(2000000000L, "279037")]
    [InlineData(20000000000L, "353130")]
    public void Compute_Rfc6238Vectors_SixDigits(long unixSeconds, string expected) =>
        Assert.Equal(expected, TotpAlgorithm.Compute(RfcKey, DateTimeOffset.FromUnixTimeSeconds(unixSeconds)));

    [Fact]
    public void Match_AcceptsOneStepEitherSide_NotTwo()
    {
        var clock = new FakeClock(DateTimeOffset.FromUnixTimeSeconds(1111111111));
        var step = TotpAlgorithm.StepAt(clock.GetUtcNow());
        var code = TotpAlgorithm.Compute(RfcKey, step);

        Assert.Equal(step, TotpAlgorithm.Match(RfcKey, code, clock.GetUtcNow(), window: 1));
        clock.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(step, TotpAlgorithm.Match(RfcKey, code, clock.GetUtcNow(), window: 1));
        clock.Advance(TimeSpan.FromSeconds(30));
        Assert.Null(TotpAlgorithm.Match(RfcKey, code, clock.GetUtcNow(), window: 1));
        Assert.Equal(step, TotpAlgorithm.Match(RfcKey, code, clock.GetUtcNow(), window: 2));

        var early = clock.GetUtcNow().AddSeconds(-90);
        Assert.Equal(step, TotpAlgorithm.Match(RfcKey, code, early, window: 1));
        Assert.Null(TotpAlgorithm.Match(RfcKey, code, clock.GetUtcNow(), window: 0));
    }

    [Theory]
    [InlineData("")]
    [InlineData("12345")]
    [InlineData("1234567")]
    [InlineData("12a456")]
    [InlineData(null)]
    public void Match_Malformed_Refused(string? code) =>
        Assert.Null(TotpAlgorithm.Match(RfcKey, code!, DateTimeOffset.FromUnixTimeSeconds(59), 1));

    [Fact]
    public void Match_SpacesIgnored() =>
        Assert.Equal(1L, TotpAlgorithm.Match(RfcKey, "287 082", DateTimeOffset.FromUnixTimeSeconds(59), 1));

    [Fact]
    public void NewSecret_Is160Bits_AndRandom()
    {
        var a = TotpAlgorithm.NewSecret();
        Assert.Equal(20, a.Length);
        Assert.NotEqual(a, TotpAlgorithm.NewSecret());
    }

    // RFC 4648 §10 test vectors (our encoder omits the padding).
    [Theory]
    [InlineData("", "")]
    [InlineData("f", "MY")]
    [InlineData("fo", "MZXQ")]
    [InlineData("foo", "MZXW6")]
    [InlineData("foob", "MZXW6YQ")]
    [InlineData("fooba", "MZXW6YTB")]
    [InlineData("foobar", "MZXW6YTBOI")]
    public void Base32_Rfc4648Vectors(string text, string encoded)
    {
        Assert.Equal(encoded, Base32.Encode(Encoding.ASCII.GetBytes(text)));
        Assert.Equal(text, Encoding.ASCII.GetString(Base32.Decode(encoded)!));
        Assert.Equal(text, Encoding.ASCII.GetString(Base32.Decode(encoded.ToLowerInvariant() + "====")!));
    }

    [Fact]
    public void Base32_RoundTripsSecret_AndGroupsOfFour()
    {
        var secret = TotpAlgorithm.NewSecret();
        var encoded = Base32.Encode(secret);
        Assert.Equal(32, encoded.Length);
        Assert.Equal(secret, Base32.Decode(Base32.Grouped(encoded)));
        Assert.All(Base32.Grouped(encoded).Split(' '), group => Assert.Equal(4, group.Length));
        Assert.Null(Base32.Decode("ABC1"));
    }

    [Fact]
    public void Throttle_FreeFive_ThenGrowingDelays_Capped()
    {
        Assert.Equal(TimeSpan.Zero, FactorThrottle.DelayAfter(4));
        Assert.Equal(TimeSpan.FromSeconds(30), FactorThrottle.DelayAfter(5));
        Assert.Equal(TimeSpan.FromSeconds(60), FactorThrottle.DelayAfter(6));
        Assert.Equal(FactorThrottle.MaxDelay, FactorThrottle.DelayAfter(99));
    }

    [Theory]
    [InlineData("abcd-efgh-jkmn", "abcdefghjkmn")]
    [InlineData(" ABCD EFGH JKMN ", "abcdefghjkmn")]
    [InlineData("abcd-efgh-jkm", null)]
    [InlineData("abcd-efgh-jkm0", null)]
    public void RecoveryCode_Normalize(string input, string? expected) =>
        Assert.Equal(expected, RecoveryCodeStore.Normalize(input));
}
