namespace Idp.Data.Entities;

/// <summary>
/// One account on one companion device ("Zugang" in the app): the device's own ECDSA P-256 public key and the
/// SHA-256 of the access token the device calls the API with. The private key never leaves the device.
/// </summary>
public sealed class PushCredential
{
    public string Id { get; set; } = "";
    public string SubjectId { get; set; } = "";
    public string DeviceName { get; set; } = "";

    /// <summary>The device's public key, SubjectPublicKeyInfo (DER).</summary>
    public byte[] PublicKey { get; set; } = [];

    /// <summary>SHA-256 (base64url) of the access token; the token itself is shown to the device once.</summary>
    public string AccessTokenHash { get; set; } = "";

    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? LastUsedAt { get; set; }

    /// <summary>The device's Web Push subscription, when it gave one.</summary>
    public string? SubscriptionEndpoint { get; set; }
    public string? SubscriptionP256dh { get; set; }
    public string? SubscriptionAuth { get; set; }
}

/// <summary>A device registration waiting for the 8-digit code that went out by SMS.</summary>
public sealed class PushRegistration
{
    public string Id { get; set; } = "";
    public string SubjectId { get; set; } = "";
    public string DeviceName { get; set; } = "";
    public byte[] PublicKey { get; set; } = [];

    /// <summary>SHA-256 of the registration id and the code (base64url).</summary>
    public string CodeHash { get; set; } = "";
    public int Attempts { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }

    /// <summary>Set once the code was accepted: the registration cannot be confirmed again.</summary>
    public DateTimeOffset? ConfirmedAt { get; set; }
}

public enum PushRequestState
{
    Pending = 1,
    Approved = 2,
    Denied = 3,

    /// <summary>The device picked a wrong number: ends the request and counts as a failure.</summary>
    WrongNumber = 4,

    /// <summary>An approval that the waiting browser has turned into a session (single use).</summary>
    Completed = 5,

    /// <summary>Replaced or abandoned before a decision.</summary>
    Cancelled = 6,
}

/// <summary>A push approval request ("Freigabe"): what the device shows and what the waiting browser checks.</summary>
public sealed class PushRequest
{
    public string Id { get; set; } = "";
    public string SubjectId { get; set; } = "";

    /// <summary>Random value the device signs together with the request id, the decision and the number.</summary>
    public string Challenge { get; set; } = "";

    /// <summary>The two-digit number shown in the browser.</summary>
    public int Number { get; set; }

    /// <summary>The numbers the device offers, space-separated (the right one among them).</summary>
    public string NumberChoices { get; set; } = "";

    public PushRequestState State { get; set; } = PushRequestState.Pending;
    public bool IsTest { get; set; }
    public string? ClientId { get; set; }
    public string PortalName { get; set; } = "";
    public string? IpAddress { get; set; }
    public string? UserAgent { get; set; }

    /// <summary>SHA-256 of the random value in the waiting browser's cookie: only that browser may use the approval.</summary>
    public string? BrowserBindingHash { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public DateTimeOffset? DecidedAt { get; set; }

    /// <summary>The credential that decided.</summary>
    public string? DecidedBy { get; set; }

    /// <summary>The user said "this was not me" after denying.</summary>
    public DateTimeOffset? ReportedAt { get; set; }
}
