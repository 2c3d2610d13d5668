namespace Idp.Authentication;

/// <summary>
/// The assurance a session reached, advertised as <c>acr</c>. A higher level satisfies a request for a lower one.
/// </summary>
public enum AuthenticationLevel
{
    Password = 1,
    SecondFactor = 2,
    PhishingResistant = 3,
}

public static class AuthenticationLevels
{
    public const string PasswordAcr = "urn:idp:acr:pwd";
    public const string SecondFactorAcr = "urn:idp:acr:mfa";
    public const string PhishingResistantAcr = "urn:idp:acr:phr";

    /// <summary>Lowest first, as advertised in <c>acr_values_supported</c>.</summary>
    public static readonly IReadOnlyList<string> Supported = [PasswordAcr, SecondFactorAcr, PhishingResistantAcr];

    public static string ToAcr(this AuthenticationLevel level) => level switch
    {
        AuthenticationLevel.PhishingResistant => PhishingResistantAcr,
        AuthenticationLevel.SecondFactor => SecondFactorAcr,
        _ => PasswordAcr,
    };

    public static AuthenticationLevel? FromAcr(string? acr) => acr switch
    {
        PasswordAcr => AuthenticationLevel.Password,
        SecondFactorAcr => AuthenticationLevel.SecondFactor,
        PhishingResistantAcr => AuthenticationLevel.PhishingResistant,
        _ => null,
    };
}

/// <summary>RFC 8176 authentication method reference values.</summary>
public static class AuthenticationMethods
{
    public const string Password = "pwd";
    public const string OneTimePassword = "otp";
    public const string MultiFactor = "mfa";
    public const string HardwareKey = "hwk";
    public const string SoftwareKey = "swk";
    public const string UserPresence = "user";
    public const string Pin = "pin";
    public const string Face = "face";
    public const string Fingerprint = "fpt";
    public const string Sms = "sms";
}
