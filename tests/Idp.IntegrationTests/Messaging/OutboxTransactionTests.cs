using Idp.IntegrationTests.Infrastructure;
using Idp.IntegrationTests.SignIn;
using Idp.Messaging;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Idp.IntegrationTests.Messaging;

/// <summary>An e-mail is written in the same transaction as the change that causes it: both or neither.</summary>
public sealed class OutboxTransactionTests
{
    [Fact]
    public async Task Registration_MailCannotBeQueued_CreatesNoAccount()
    {
        await using var factory = new IdpFactory().WithServices(services =>
        {
            services.RemoveAll<IEmailSender>();
            services.AddScoped<IEmailSender, BrokenEmailSender>();
        });
        using var browser = factory.CreateBrowser();

        try
        {
            await browser.RegisterAsync("lost.mail@example.test");
        }
        catch (InvalidOperationException)
        {
            // The test server may pass the exception through instead of rendering the error page.
        }

        Assert.Equal(0, await factory.WithDbAsync(db => db.Users.CountAsync(u => u.Email == "lost.mail@example.test")));
    }

    private sealed class BrokenEmailSender : IEmailSender
    {
        public Task SendAsync(EmailMessage message, CancellationToken cancellationToken = default) =>
            throw new InvalidOperationException("The outbox is unavailable.");
    }
}
