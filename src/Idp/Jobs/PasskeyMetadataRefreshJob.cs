using Idp.Configuration;
using Idp.Factors.Passkeys.Metadata;
using Microsoft.Extensions.Options;
using Quartz;

namespace Idp.Jobs;

/// <summary>
/// Fetches the FIDO metadata BLOB from <c>Idp:Passkeys:Metadata:Url</c> every <c>RefreshInterval</c>, verifies it
/// (<see cref="MetadataBlob"/>) and takes it when its serial number is not lower than the one held; a verified BLOB
/// is also written to <c>Path</c> (when set), so a restart starts from it. A BLOB that does not verify changes nothing.
/// </summary>
[DisallowConcurrentExecution]
public sealed partial class PasskeyMetadataRefreshJob(
    PasskeyMetadata metadata,
    IHttpClientFactory http,
    IOptions<IdpOptions> options,
    ILogger<PasskeyMetadataRefreshJob> logger) : IJob
{
    public static readonly JobKey Key = new("passkey-metadata-refresh", "idp");
    public const string HttpClientName = "fido-metadata";

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default)
    {
        var settings = options.Value.Passkeys.Metadata;
        if (string.IsNullOrEmpty(settings.Url))
            return;
        try
        {
            var jwt = await http.CreateClient(HttpClientName).GetStringAsync(settings.Url, cancellationToken);
            if (await metadata.LoadAsync(jwt) && !string.IsNullOrEmpty(settings.Path))
            {
                var temporary = settings.Path + ".new";
                await File.WriteAllTextAsync(temporary, jwt, cancellationToken);
                File.Move(temporary, settings.Path, overwrite: true);
            }
        }
        catch (Exception exception) when (exception is HttpRequestException or InvalidDataException or IOException
                                              or UnauthorizedAccessException or TaskCanceledException)
        {
            // The metadata held stays in force; the next run tries again.
            LogFailed(exception);
        }
    }

    [LoggerMessage(EventId = 5080, Level = LogLevel.Warning, Message = "FIDO metadata refresh failed; the metadata held stays in force until the next run")]
    private partial void LogFailed(Exception exception);
}
