using System.Text.RegularExpressions;
using Authenticator.Cli;
using Idp.Data.Entities;
using Idp.IntegrationTests.Infrastructure;

namespace Idp.IntegrationTests.Push;

/// <summary>The command-line device's client library against a test node: registers with the SMS code from the outbox.</summary>
public static partial class PushDevice
{
    public static DeviceClient Client(IdpFactory idp) => new(idp.CreateClient());

    /// <summary>Creates a user with a phone number.</summary>
    public static Task<IdpUser> CreateUserWithPhoneAsync(IdpFactory idp, string? phone = null, string? email = null) =>
        idp.CreateUserAsync(email: email, configure: u => u.PhoneNumber = phone ?? "+4915112345" + Random.Shared.Next(100, 999));

    /// <summary>The 8-digit code of the newest SMS to <paramref name="phone"/>.</summary>
    public static async Task<string> SmsCodeAsync(IdpFactory idp, string phone)
    {
        var sms = await idp.LatestOutboxMessageAsync(phone, OutboxChannel.Sms);
        Assert.NotNull(sms);
        return EightDigits().Match(sms.Body).Value;
    }

    /// <summary>Registers a new key for <paramref name="user"/> and confirms it with the SMS code: the account on the device.</summary>
    public static async Task<DeviceAccount> RegisterAsync(IdpFactory idp, IdpUser user, string deviceName = "Test phone")
    {
        var client = Client(idp);
        var key = DeviceClient.NewKey();
        var started = await client.RegisterAsync(user.AccountNumber, TestUsers.Password, key, deviceName);
        var confirmed = await client.ConfirmAsync(started.RegistrationId, await SmsCodeAsync(idp, user.PhoneNumber!));
        return DeviceAccount.From(confirmed, key);
    }

    [GeneratedRegex(@"\b\d{8}\b")]
    private static partial Regex EightDigits();
}
