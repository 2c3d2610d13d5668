namespace Portal.Authentication;

/// <summary>Log messages of the sign-in and sign-out (event ids 1000–1099). Never a token, code or secret.</summary>
internal static partial class Log
{
    [LoggerMessage(1000, LogLevel.Error, "Idp's discovery document at {MetadataAddress} could not be read: {Error}")]
    public static partial void MetadataUnavailable(ILogger logger, string metadataAddress, string error);

    [LoggerMessage(1001, LogLevel.Warning, "Authorization response rejected: {Reason}")]
    public static partial void AuthorizationResponseRejected(ILogger logger, string reason);

    [LoggerMessage(1002, LogLevel.Warning, "ID token rejected: {Reason}")]
    public static partial void IdTokenRejected(ILogger logger, string reason);

    [LoggerMessage(1004, LogLevel.Information, "Signed in subject {Subject} (acr {Acr}).")]
    public static partial void SignedIn(ILogger logger, string subject, string? acr);

    [LoggerMessage(1005, LogLevel.Warning, "Sign-in through Idp failed ({Reason}).")]
    public static partial void RemoteFailure(ILogger logger, Exception? exception, string reason);

    [LoggerMessage(1006, LogLevel.Warning, "Return from Idp's end-session endpoint with a state that does not match.")]
    public static partial void SignOutStateMismatch(ILogger logger);

    [LoggerMessage(1007, LogLevel.Warning, "The API at {ApiBaseUrl} could not be used: {Error}")]
    public static partial void ApiUnavailable(ILogger logger, string apiBaseUrl, string error);

    [LoggerMessage(1008, LogLevel.Information, "Step-up for {Page}: acr_values {AcrValues}, max_age {MaxAge}.")]
    public static partial void SteppingUp(ILogger logger, string page, string? acrValues, int? maxAge);

    [LoggerMessage(1009, LogLevel.Warning, "Step-up for {Page} not reached; not asking Idp again: {Reason}")]
    public static partial void StepUpUnreachable(ILogger logger, string page, string reason);

    [LoggerMessage(1010, LogLevel.Warning, "Back-channel logout token rejected: {Reason}")]
    public static partial void LogoutTokenRejected(ILogger logger, string reason);

    [LoggerMessage(1011, LogLevel.Information, "Back-channel logout from Idp for subject {Subject} (sid {Sid}).")]
    public static partial void BackChannelLogout(ILogger logger, string subject, string? sid);
}
