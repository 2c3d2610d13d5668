using Idp.Protocol.Token;
using Idp.Security;

namespace Idp.UnitTests.Protocol.Token;

public sealed class RefreshTokenFormatTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 6, 17, 0, 0, TimeSpan.Zero);

    [Fact]
    public void LaterTokens_AreStoredUnderKeysThatSortLater()
    {
        var tokens = new[] { Now, Now.AddMilliseconds(1), Now.AddSeconds(1), Now.AddDays(30), Now.AddYears(50) }
            .Select(RefreshTokenFormat.New).ToList();

        var keys = tokens.Select(RefreshTokenFormat.StorageId).ToList();

        Assert.Equal(keys, keys.Order(StringComparer.Ordinal));
        Assert.All(keys, key => Assert.InRange(key.Length, 1, 64)); // the column's length
    }

    [Fact]
    public void TheKey_IsTheIssueTimeAndTheHashOfTheWholeToken()
    {
        var token = RefreshTokenFormat.New(Now);
        var sameTime = RefreshTokenFormat.New(Now);

        Assert.Equal($"{Now.ToUnixTimeMilliseconds():x12}{Hashing.Sha256(token)}", RefreshTokenFormat.StorageId(token));
        Assert.NotEqual(token, sameTime);
        Assert.NotEqual(RefreshTokenFormat.StorageId(token), RefreshTokenFormat.StorageId(sameTime));
        Assert.Equal(12 + 1 + 43, token.Length); // 256 random bits after the time
        var forged = token[..13] + Hashing.RandomToken(32);
        Assert.NotEqual(RefreshTokenFormat.StorageId(token), RefreshTokenFormat.StorageId(forged));
    }

    [Fact]
    public void ATokenIssuedBeforeThisFormat_IsFoundUnderItsHashAlone()
    {
        var issuedBefore = Hashing.RandomToken(32);

        Assert.Equal(Hashing.Sha256(issuedBefore), RefreshTokenFormat.StorageId(issuedBefore));
    }

    [Theory]
    [InlineData("")]
    [InlineData("~")]
    [InlineData("0123456789ab~")]
    [InlineData("not a token at all, with spaces and ~ in it")]
    public void AnyPresentedValue_HasAKey(string presented) => Assert.NotEmpty(RefreshTokenFormat.StorageId(presented));
}
