using Idp.Messaging;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Internal;

namespace Idp.UnitTests.Messaging;

public sealed class EmailOptionsValidatorTests
{
    private static EmailOptions Smtp(Action<SmtpOptions>? configure = null)
    {
        var options = new EmailOptions { Mode = EmailMode.Smtp, Smtp = { Host = "smtp.example", From = { Address = "no-reply@id.example" } } };
        configure?.Invoke(options.Smtp);
        return options;
    }

    private static string? Failure(EmailOptions options) => new EmailOptionsValidator().Validate(null, options).FailureMessage;

    [Fact]
    public void Smtp_WithHostAndSender_IsValid() => Assert.Null(Failure(Smtp()));

    [Fact]
    public void Smtp_PasswordInClearText_ToAnotherHost_IsRefused() =>
        Assert.Contains("Security=None", Failure(Smtp(s => { s.Security = SmtpSecurity.None; s.UserName = "idp"; s.Password = "pw"; })));

    [Fact]
    public void Smtp_PasswordWithoutTls_OnLoopback_IsAllowed() =>
        Assert.Null(Failure(Smtp(s => { s.Host = "127.0.0.1"; s.Security = SmtpSecurity.None; s.UserName = "idp"; s.Password = "pw"; })));

    [Fact]
    public void Smtp_UserNameWithoutPassword_IsRefused() =>
        Assert.Contains("UserName and", Failure(Smtp(s => s.UserName = "idp")));

    [Theory]
    [InlineData("")]
    [InlineData("not an address")]
    public void Smtp_WithoutValidSender_IsRefused(string from) =>
        Assert.Contains("From:Address", Failure(Smtp(s => s.From.Address = from)));

    [Theory]
    [InlineData(SmtpSecurity.Tls, 465)]
    [InlineData(SmtpSecurity.StartTls, 587)]
    [InlineData(SmtpSecurity.None, 25)]
    public void Port_DefaultsBySecurity(SmtpSecurity security, int port) =>
        Assert.Equal(port, new SmtpOptions { Security = security }.EffectivePort);

    [Theory]
    [InlineData("Development", null, EmailMode.OutboxOnly)]
    [InlineData("Testing", null, EmailMode.OutboxOnly)]
    [InlineData("Production", null, null)]
    [InlineData("Production", "smtp.example", EmailMode.Smtp)]
    [InlineData("Development", "smtp.example", EmailMode.Smtp)]
    public void UnsetMode_FollowsHostAndEnvironment(string environment, string? host, EmailMode? expected)
    {
        var options = new EmailOptions { Smtp = { Host = host } };
        new EmailOptionsDefaults(new HostingEnvironment { EnvironmentName = environment }).PostConfigure(null, options);
        Assert.Equal(expected, options.Mode);
        if (expected is null)
            Assert.Contains("Idp:Email:Mode=OutboxOnly", Failure(options));
    }

    [Fact]
    public void GiveUpAfter_MustBePositive() =>
        Assert.Contains("GiveUpAfter", Failure(new EmailOptions { Mode = EmailMode.OutboxOnly, GiveUpAfter = TimeSpan.Zero }));
}
