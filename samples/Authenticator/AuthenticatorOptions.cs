using Microsoft.AspNetCore.StaticFiles;

namespace Authenticator;

/// <summary>The <c>Authenticator</c> section: where Idp is.</summary>
public sealed class AuthenticatorOptions
{
    public const string Section = "Authenticator";

    /// <summary>Idp's base URL (its issuer), e.g. <c>http://localhost:5000</c>.</summary>
    public string IdpUrl { get; set; } = "";

    public static bool IsValidIdpUrl(string? value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri)
        && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback)
        && uri.GetLeftPart(UriPartial.Authority) == value;
}

internal static class AuthenticatorContent
{
    public static FileExtensionContentTypeProvider Types()
    {
        var types = new FileExtensionContentTypeProvider();
        types.Mappings[".webmanifest"] = "application/manifest+json";
        return types;
    }
}
