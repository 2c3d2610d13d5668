namespace Api.Authentication;

/// <summary>Log messages of token checks (event ids 2000–2099). Never a token.</summary>
internal static partial class Log
{
    [LoggerMessage(2000, LogLevel.Error, "Idp unavailable: {Reason}")]
    public static partial void IdpUnavailable(ILogger logger, string reason);

    [LoggerMessage(2001, LogLevel.Information, "Access token signed with an unknown key; refreshing Idp's JWKS.")]
    public static partial void UnknownSigningKey(ILogger logger);

    [LoggerMessage(2002, LogLevel.Warning, "Access token rejected ({ExceptionType}): {Reason}")]
    public static partial void TokenRejected(ILogger logger, string exceptionType, string reason);

    [LoggerMessage(2003, LogLevel.Information, "Step-up demanded from subject {Subject}: acr {Acr}, authenticated {AgeSeconds} s ago.")]
    public static partial void StepUpDemanded(ILogger logger, string? subject, string? acr, long? ageSeconds);
}
