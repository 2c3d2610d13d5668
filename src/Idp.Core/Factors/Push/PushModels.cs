using Idp.Data.Entities;

namespace Idp.Factors.Push;

/// <summary>Why a call of the device API or a new approval request was refused (the <c>urn:idp:problem:</c> codes of API.md).</summary>
public enum PushProblem
{
    None,
    InvalidRequest,
    AmbiguousLogin,
    InvalidCredentials,
    NoPhoneNumber,
    TooManyRequests,
    InvalidCode,
    Expired,
    NotFound,
    InvalidSignature,
    WrongNumber,
    NoDevice,
    SmsUnavailable,
}

public sealed record PushRegistrationStarted(string RegistrationId, string MaskedPhone, DateTimeOffset ExpiresAt);

public sealed record PushRegistrationConfirmed(string CredentialId, string AccessToken, string AccountNumber, string DisplayName, string Issuer);

/// <summary>A request as the device sees it (API.md).</summary>
public sealed record PushRequestView(
    string RequestId,
    string Challenge,
    string PortalName,
    DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt,
    string? IpAddress,
    string? Browser,
    IReadOnlyList<int> NumberChoices,
    bool IsTest);

/// <summary>The result of an attempt to open a new approval request for a waiting browser.</summary>
/// <param name="LastFailure">On a refusal: how the user's last request ended when it was denied or got a wrong
/// number (what the waiting page tells the user instead of a bare "too many requests"); else null.</param>
public sealed record PushRequestStart(PushRequest? Request, PushProblem Problem, DateTimeOffset? RetryAt = null, PushRequestState? LastFailure = null);


public static class PushAuditEvents
{
    public const string RegistrationStarted = "push.registration_started";
    public const string RegistrationFailed = "push.registration_failed";
    public const string Requested = "push.requested";
    public const string Approved = "push.approved";
    public const string Denied = "push.denied";
    public const string WrongNumber = "push.wrong_number";
    public const string Failed = "push.failed";
    public const string Throttled = "push.throttled";
    public const string Reported = "push.reported_not_me";
    public const string PhoneChanged = "account.phone_changed";
}
