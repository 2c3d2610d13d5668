using Idp.Data.Entities;
using Idp.Messaging;

namespace Idp.UnitTests.Messaging;

public sealed class OutboxAdministrationTests
{
    [Theory]
    [InlineData(OutboxChannel.Email, "annabelle@example.test", "an•••@example.test")]
    [InlineData(OutboxChannel.Email, "a@example.test", "a•••@example.test")]
    [InlineData(OutboxChannel.Email, "no-address", "•••")]
    [InlineData(OutboxChannel.Sms, "+4915100000042", "+49 ••• ••• 42")]
    [InlineData(OutboxChannel.BackChannelLogout, "portal", "portal")]
    [InlineData(OutboxChannel.WebPush, "0f3c9a2b-user-id", "0f3c•••")]
    public void MaskRecipient_ShowsOnlyWhatIdentifiesTheMessageForStaff(OutboxChannel kind, string recipient, string shown) =>
        Assert.Equal(shown, OutboxAdministration.MaskRecipient(kind, recipient));
}
