using System.ComponentModel.DataAnnotations;
using Idp.Configuration;
using Microsoft.Extensions.Options;

namespace Idp.Helpdesk;

/// <summary>The <c>Idp:Helpdesk</c> configuration section: the SLA, who is reminded, limits of the user's form.</summary>
public sealed class HelpdeskOptions
{
    public const string Section = "Idp:Helpdesk";

    public SlaOptions Sla { get; set; } = new();

    /// <summary>Mailboxes reminded when <see cref="SlaOptions.ReminderShare"/> of a request's time has passed; empty: users with the role <c>helpdesk</c>.</summary>
    public List<string> ReminderTo { get; set; } = [];

    /// <summary>Mailboxes told when a request breaches its SLA; empty: users with the role <c>supervisor</c>.</summary>
    public List<string> EscalationTo { get; set; } = [];

    /// <summary>How long a temporary access pass is valid.</summary>
    [Range(typeof(TimeSpan), "00:10:00", "1.00:00:00")]
    public TimeSpan TemporaryAccessPassLifetime { get; set; } = TimeSpan.FromHours(4);

    /// <summary>Requests a user may submit in 24 hours (a decided request frees the "one open request" slot).</summary>
    [Range(1, 100)]
    public int MaxRequestsPerUserPerDay { get; set; } = 3;

    /// <summary>Submissions (successful or not) from one IP address per hour.</summary>
    [Range(1, 10000)]
    public int MaxSubmissionsPerAddressPerHour { get; set; } = 20;

    /// <summary>How often the SLA job looks for due reminders, escalations and breaches.</summary>
    [Range(typeof(TimeSpan), "00:00:05", "01:00:00")]
    public TimeSpan CheckInterval { get; set; } = TimeSpan.FromMinutes(1);
}

/// <summary>
/// The SLA clock: <see cref="Hours"/> of time that runs only on working days (in <see cref="TimeZone"/>), so a request
/// in on Friday 15:00 is due on Monday 15:00.
/// </summary>
public sealed class SlaOptions
{
    [Range(1, 24 * 30)]
    public int Hours { get; set; } = 24;

    /// <summary>IANA time zone of the helpdesk (working days and holidays are local dates).</summary>
    [Required]
    public string TimeZone { get; set; } = "Europe/Berlin";

    /// <summary>Working days; empty means Monday to Friday.</summary>
    public List<DayOfWeek> WorkingDays { get; set; } = [];

    /// <summary>A computed holiday set: <c>DE</c> (nationwide) or a German state, <c>DE-BY</c>, <c>DE-NW</c>, …; empty for none.</summary>
    public string? HolidaySet { get; set; } = "DE-BY";

    /// <summary>Further non-working dates (company holidays, 24 and 31 December …), <c>yyyy-MM-dd</c>.</summary>
    public List<DateOnly> ExtraHolidays { get; set; } = [];

    /// <summary>Share of the SLA time after which the helpdesk is reminded.</summary>
    [Range(0.05, 0.99)]
    public double ReminderShare { get; set; } = 0.75;

    public IReadOnlyCollection<DayOfWeek> EffectiveWorkingDays =>
        WorkingDays.Count > 0 ? WorkingDays.Distinct().ToList() : [DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday];
}

/// <summary>Checks at start-up what data annotations cannot: the time zone and the holiday set exist.</summary>
public sealed class HelpdeskOptionsValidator : IValidateOptions<HelpdeskOptions>
{
    public ValidateOptionsResult Validate(string? name, HelpdeskOptions options)
    {
        var errors = new List<string>();
        // The same lines as the start-up's nested validation (they are printed once), so this validator stands on its own.
        if (new NestedSettingsValidator<SlaOptions>($"{HelpdeskOptions.Section}:Sla").Validate(name, options.Sla).Failures is { } sla)
            errors.AddRange(sla);
        if (!TimeZoneInfo.TryFindSystemTimeZoneById(options.Sla.TimeZone, out _))
            errors.Add($"Idp:Helpdesk:Sla:TimeZone '{options.Sla.TimeZone}' is not a known time zone (use an IANA id such as Europe/Berlin).");
        if (!string.IsNullOrEmpty(options.Sla.HolidaySet) && !GermanHolidays.IsKnownSet(options.Sla.HolidaySet))
            errors.Add($"Idp:Helpdesk:Sla:HolidaySet '{options.Sla.HolidaySet}' is unknown; use DE or DE-<state> ({string.Join(", ", GermanHolidays.Sets)}).");
        foreach (var address in options.ReminderTo.Concat(options.EscalationTo))
        {
            if (!System.Net.Mail.MailAddress.TryCreate(address, out _))
                errors.Add($"Idp:Helpdesk:ReminderTo/EscalationTo: '{address}' is not an e-mail address.");
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
