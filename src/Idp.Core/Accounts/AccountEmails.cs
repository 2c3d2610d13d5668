using System.Text;
using Idp.Configuration;
using Idp.Data.Entities;
using Idp.Resources;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;

namespace Idp.Accounts;

/// <summary>
/// The account e-mails (confirmation, password reset). Links are absolute and built from the configured issuer,
/// never from the request's Host header, so a forged Host cannot redirect a token to an attacker.
/// </summary>
public sealed class AccountEmails(
    UserManager<IdpUser> users,
    IEmailSender email,
    IOptions<IdpOptions> options,
    IStringLocalizer<SharedResource> text)
{
    public async Task SendConfirmationAsync(IdpUser user, string? requestId, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrEmpty(user.Email))
            return;
        var token = await users.GenerateEmailConfirmationTokenAsync(user);
        var link = Link("/confirm-email", ("user", user.Id), ("token", token), ("request_id", requestId));
        var body = text["Mail_Confirm_Body", user.FullName, user.AccountNumber, link].Value;
        await email.SendAsync(new EmailMessage(user.Email, text["Mail_Confirm_Subject"].Value, body), cancellationToken);
    }

    /// <summary>One mail per address; an address shared by several accounts gets one mail listing each account with its own link.</summary>
    public async Task SendPasswordResetAsync(IReadOnlyList<IdpUser> accounts, string? requestId, CancellationToken cancellationToken = default)
    {
        foreach (var mailbox in accounts.Where(a => !string.IsNullOrEmpty(a.Email)).GroupBy(a => a.NormalizedEmail))
        {
            var lines = new StringBuilder();
            foreach (var account in mailbox)
            {
                var token = await users.GeneratePasswordResetTokenAsync(account);
                var link = Link("/reset-password", ("user", account.Id), ("token", token), ("request_id", requestId));
                lines.AppendLine(text["Mail_Reset_Account", account.AccountNumber, link].Value).AppendLine();
            }
            var body = text["Mail_Reset_Body", lines.ToString().TrimEnd()].Value;
            await email.SendAsync(new EmailMessage(mailbox.First().Email!, text["Mail_Reset_Subject"].Value, body), cancellationToken);
        }
    }

    private string Link(string path, params (string Name, string? Value)[] query)
    {
        var builder = new StringBuilder(options.Value.Issuer.TrimEnd('/')).Append(path);
        var separator = '?';
        foreach (var (name, value) in query)
        {
            if (string.IsNullOrEmpty(value))
                continue;
            builder.Append(separator).Append(name).Append('=').Append(Uri.EscapeDataString(value));
            separator = '&';
        }
        return builder.ToString();
    }
}
