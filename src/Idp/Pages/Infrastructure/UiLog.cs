namespace Idp.Pages.Infrastructure;

/// <summary>Sign-in UI log events (2110–2189; 2100–2109 are <c>PasswordSignIn</c>'s, 2190– messaging).</summary>
internal static partial class UiLog
{
    [LoggerMessage(EventId = 2110, Level = LogLevel.Information, Message = "Account {SubjectId} registered")]
    public static partial void Registered(ILogger logger, string subjectId);

    [LoggerMessage(EventId = 2111, Level = LogLevel.Information, Message = "E-mail of {SubjectId} confirmed")]
    public static partial void EmailConfirmed(ILogger logger, string subjectId);

    [LoggerMessage(EventId = 2112, Level = LogLevel.Information, Message = "E-mail confirmation link invalid or expired")]
    public static partial void EmailConfirmationFailed(ILogger logger);

    [LoggerMessage(EventId = 2113, Level = LogLevel.Information, Message = "Password reset requested; {AccountCount} account(s) matched")]
    public static partial void PasswordResetRequested(ILogger logger, int accountCount);

    [LoggerMessage(EventId = 2114, Level = LogLevel.Information, Message = "Password of {SubjectId} reset; {SessionCount} session(s) ended")]
    public static partial void PasswordReset(ILogger logger, string subjectId, int sessionCount);

    [LoggerMessage(EventId = 2115, Level = LogLevel.Information, Message = "Password reset link invalid or expired")]
    public static partial void PasswordResetFailed(ILogger logger);

    [LoggerMessage(EventId = 2116, Level = LogLevel.Information, Message = "Consent {Decision} by {SubjectId} for client {ClientId}")]
    public static partial void ConsentDecided(ILogger logger, string decision, string subjectId, string clientId);

    [LoggerMessage(EventId = 2117, Level = LogLevel.Information, Message = "Interaction request unknown or expired")]
    public static partial void InteractionUnknown(ILogger logger);

    [LoggerMessage(EventId = 2118, Level = LogLevel.Information, Message = "Confirmation link sent again to {SubjectId}")]
    public static partial void ConfirmationResent(ILogger logger, string subjectId);

    [LoggerMessage(EventId = 2119, Level = LogLevel.Information, Message = "Password of {SubjectId} changed on the profile; other sessions ended, refresh tokens revoked")]
    public static partial void PasswordChanged(ILogger logger, string subjectId);
}
