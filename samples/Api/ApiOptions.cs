using System.ComponentModel.DataAnnotations;

namespace Api;

/// <summary>The <c>Api</c> configuration section: whose access tokens the API accepts, and what its sensitive endpoints demand.</summary>
public sealed class ApiOptions
{
    public const string Section = "Api";

    /// <summary>Idp's issuer identifier; discovery (and so the JWKS) is read from <c>{Authority}/.well-known/openid-configuration</c>.</summary>
    [Required]
    public string Authority { get; set; } = "";

    /// <summary>The <c>aud</c> access tokens must carry; Idp's default for its access tokens is <c>{Authority}/resources</c>.</summary>
    public string? Audience { get; set; }

    /// <summary>The lowest <c>acr</c> the bank-details endpoints accept (RFC 9470 <c>acr_values</c>).</summary>
    public string RequiredAcr { get; set; } = AcrLevels.SecondFactor;

    /// <summary>How old the user's authentication (<c>auth_time</c>) may be at the bank-details endpoints (RFC 9470 <c>max_age</c>).</summary>
    [Range(1, 86_400)]
    public int MaxAuthenticationAgeSeconds { get; set; } = 300;

    public string EffectiveAudience => string.IsNullOrWhiteSpace(Audience) ? Authority.TrimEnd('/') + "/resources" : Audience;

    public string MetadataAddress => Authority.TrimEnd('/') + "/.well-known/openid-configuration";

    public Uri AuthorityUri => new(Authority, UriKind.Absolute);

    /// <summary>Plain http metadata is accepted only when Idp runs on this machine (development).</summary>
    public bool RequireHttpsMetadata => !(AuthorityUri.Scheme == Uri.UriSchemeHttp && AuthorityUri.IsLoopback);

    public TimeSpan MaxAuthenticationAge => TimeSpan.FromSeconds(MaxAuthenticationAgeSeconds);
}
