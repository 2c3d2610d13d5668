using System.ComponentModel.DataAnnotations;

namespace Idp.Factors.Push;

/// <summary>The <c>Idp:Push</c> section: push approval with the companion authenticator.</summary>
public sealed class PushOptions
{
    public const string Section = "Idp:Push";

    /// <summary>Where users find the companion authenticator (linked and shown as a QR code on the enrolment page).</summary>
    public string? AuthenticatorUrl { get; set; }

    /// <summary>Origins allowed to call the device API from a browser (the PWA), compared exactly.</summary>
    public List<string> AllowedOrigins { get; set; } = [];

    /// <summary>How long a device registration's SMS code is valid.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "01:00:00")]
    public TimeSpan RegistrationCodeLifetime { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Wrong SMS codes before a registration is used up.</summary>
    [Range(1, 10)]
    public int RegistrationAttempts { get; set; } = 5;

    /// <summary>How long an approval request stays pending.</summary>
    [Range(typeof(TimeSpan), "00:00:30", "00:10:00")]
    public TimeSpan RequestLifetime { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>At most this many approval requests per user within <see cref="RequestWindow"/> (against push bombing).</summary>
    [Range(1, 100)]
    public int MaxRequestsPerWindow { get; set; } = 5;

    [Range(typeof(TimeSpan), "00:01:00", "1.00:00:00")]
    public TimeSpan RequestWindow { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Device registrations per user within <see cref="RequestWindow"/> (each sends an SMS).</summary>
    [Range(1, 100)]
    public int MaxRegistrationsPerWindow { get; set; } = 3;

    /// <summary>
    /// How often an open event stream (waiting browser, open app) looks at the database for news. The state lives
    /// in the database, so a decision made on another node is seen within this interval.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:00:10")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);
}
