using Idp.Factors.Passkeys;
using Microsoft.AspNetCore.Identity;

namespace Idp.UnitTests.Factors;

/// <summary>RFC 8176 <c>amr</c> per passkey: a synced (backup-eligible or backed-up) passkey is a software key.</summary>
public sealed class PasskeyAmrTests
{
    [Theory]
    [InlineData(false, false, true, new[] { "hwk", "user" })]
    [InlineData(true, false, true, new[] { "swk", "user" })]
    [InlineData(true, true, true, new[] { "swk", "user" })]
    [InlineData(false, true, true, new[] { "swk", "user" })]
    [InlineData(false, false, false, new[] { "hwk" })]
    [InlineData(true, true, false, new[] { "swk" })]
    public void AmrOf_DeviceBoundIsHwk_SyncedIsSwk_UserOnlyWithVerification(bool backupEligible, bool backedUp, bool verified, string[] expected)
    {
        var passkey = new UserPasskeyInfo([1, 2, 3], [4, 5, 6], DateTimeOffset.UnixEpoch, 0, null, verified, backupEligible, backedUp, [], []);
        Assert.Equal(expected, PasskeyAuthenticators.AmrOf(passkey));
    }
}
