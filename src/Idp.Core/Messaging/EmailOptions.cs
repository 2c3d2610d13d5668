using System.Net;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Idp.Messaging;

public enum EmailMode
{
    /// <summary>E-mails stay in the outbox (shown at <c>/dev/outbox</c> in Development); nothing delivers them.</summary>
    OutboxOnly,

    /// <summary>The outbox dispatcher delivers e-mails over SMTP.</summary>
    Smtp,
}

public enum SmtpSecurity
{
    None,
    StartTls,
    Tls,
}

/// <summary>The <c>Idp:Email</c> section: how e-mails leave the server.</summary>
public sealed class EmailOptions
{
    public const string Section = "Idp:Email";

    /// <summary>Unset: <c>Smtp</c> when <c>Smtp:Host</c> is set, else <c>OutboxOnly</c> in Development and Testing (refused elsewhere).</summary>
    public EmailMode? Mode { get; set; }

    public SmtpOptions Smtp { get; set; } = new();

    /// <summary>A message not delivered this long after it was written is marked failed and never tried again.</summary>
    public TimeSpan GiveUpAfter { get; set; } = TimeSpan.FromDays(2);

    /// <summary>The wait after the first failed attempt; it doubles with each further failure (with jitter) up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMinutes(1);

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How often a dispatcher looks for due messages (a node also looks at once after it wrote one).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a claimed message is left to its dispatcher; after that (a crashed node) another node may deliver it.</summary>
    public TimeSpan ClaimTimeout { get; set; } = TimeSpan.FromMinutes(5);
}

/// <summary>The mail server (<c>Idp:Email:Smtp</c>).</summary>
public sealed class SmtpOptions
{
    public string? Host { get; set; }

    /// <summary>Unset: 465 with <c>Tls</c>, 587 with <c>StartTls</c>, 25 with <c>None</c>.</summary>
    public int? Port { get; set; }

    public SmtpSecurity Security { get; set; } = SmtpSecurity.StartTls;

    /// <summary>For SMTP AUTH; with <see cref="Password"/>, or neither.</summary>
    public string? UserName { get; set; }

    public string? Password { get; set; }

    public SmtpSenderOptions From { get; set; } = new();

    /// <summary>How long one connection and delivery may take.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    public int EffectivePort => Port ?? Security switch
    {
        SmtpSecurity.Tls => 465,
        SmtpSecurity.StartTls => 587,
        _ => 25,
    };
}

public sealed class SmtpSenderOptions
{
    public string? Address { get; set; }
    public string? Name { get; set; }
}

/// <summary>Resolves an unset <see cref="EmailOptions.Mode"/> from the SMTP host and the environment.</summary>
public sealed class EmailOptionsDefaults(IHostEnvironment environment) : IPostConfigureOptions<EmailOptions>
{
    public void PostConfigure(string? name, EmailOptions options)
    {
        if (options.Mode is not null)
            return;
        if (!string.IsNullOrWhiteSpace(options.Smtp.Host))
            options.Mode = EmailMode.Smtp;
        else if (environment.IsDevelopment() || environment.IsEnvironment("Testing"))
            options.Mode = EmailMode.OutboxOnly;
    }
}

public sealed class EmailOptionsValidator : IValidateOptions<EmailOptions>
{
    private const string Smtp = EmailOptions.Section + ":Smtp";

    public ValidateOptionsResult Validate(string? name, EmailOptions options)
    {
        if (options.Mode is null)
            return ValidateOptionsResult.Fail($"{Smtp}:Host is required outside Development: configure the mail server, or set {EmailOptions.Section}:Mode=OutboxOnly to keep e-mails in the outbox.");
        var failures = new List<string>();
        if (options.GiveUpAfter <= TimeSpan.Zero)
            failures.Add($"{EmailOptions.Section}:GiveUpAfter must be positive.");
        if (options.RetryDelay <= TimeSpan.Zero || options.MaxRetryDelay < options.RetryDelay)
            failures.Add($"{EmailOptions.Section}:RetryDelay must be positive and at most {EmailOptions.Section}:MaxRetryDelay.");
        if (options.PollInterval <= TimeSpan.Zero)
            failures.Add($"{EmailOptions.Section}:PollInterval must be positive.");
        if (options.ClaimTimeout <= options.Smtp.Timeout)
            failures.Add($"{EmailOptions.Section}:ClaimTimeout must be longer than {Smtp}:Timeout.");
        if (options.Mode == EmailMode.Smtp)
            ValidateSmtp(options.Smtp, failures);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void ValidateSmtp(SmtpOptions smtp, List<string> failures)
    {
        if (string.IsNullOrWhiteSpace(smtp.Host))
            failures.Add($"{Smtp}:Host is required with {EmailOptions.Section}:Mode=Smtp.");
        if (smtp.Port is < 1 or > 65535)
            failures.Add($"{Smtp}:Port must be between 1 and 65535.");
        if (!Enum.IsDefined(smtp.Security))
            failures.Add($"{Smtp}:Security must be None, StartTls or Tls.");
        if (string.IsNullOrEmpty(smtp.UserName) != string.IsNullOrEmpty(smtp.Password))
            failures.Add($"{Smtp}:UserName and {Smtp}:Password go together.");
        else if (!string.IsNullOrEmpty(smtp.Password) && smtp.Security == SmtpSecurity.None && !IsLoopback(smtp.Host))
            failures.Add($"{Smtp}:Security=None would send the password in clear text: use StartTls or Tls.");
        if (string.IsNullOrWhiteSpace(smtp.From.Address) || !MailboxAddress.TryParse(smtp.From.Address, out var from) || !from.Address.Contains('@', StringComparison.Ordinal))
            failures.Add($"{Smtp}:From:Address must be an e-mail address (e.g. no-reply@id.example).");
        if (smtp.Timeout <= TimeSpan.Zero || smtp.Timeout > TimeSpan.FromMinutes(5))
            failures.Add($"{Smtp}:Timeout must be between 0 and 5 minutes.");
    }

    private static bool IsLoopback(string? host) =>
        string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase) || IPAddress.TryParse(host, out var address) && IPAddress.IsLoopback(address);
}
