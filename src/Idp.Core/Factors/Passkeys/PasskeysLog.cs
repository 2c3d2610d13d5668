namespace Idp.Factors.Passkeys;

/// <summary>Passkey attestation and metadata log events (3080–3089, in the factors' range).</summary>
internal static partial class PasskeysLog
{
    [LoggerMessage(EventId = 3080, Level = LogLevel.Information, Message = "FIDO metadata BLOB {Number} loaded with {Entries} entries")]
    public static partial void MetadataLoaded(ILogger logger, int number, int entries);

    [LoggerMessage(EventId = 3081, Level = LogLevel.Warning, Message = "FIDO metadata refresh failed")]
    public static partial void MetadataRefreshFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 3082, Level = LogLevel.Information, Message = "Passkey registration refused: {Reason} (format {Format}, AAGUID {Aaguid})")]
    public static partial void RegistrationRefused(ILogger logger, string reason, string format, Guid aaguid);

    [LoggerMessage(EventId = 3083, Level = LogLevel.Warning, Message = "Passkey of {SubjectId} refused at sign-in: its model (AAGUID {Aaguid}) now has status {Status}")]
    public static partial void SignInRefusedByStatus(ILogger logger, string subjectId, Guid aaguid, string status);
}
