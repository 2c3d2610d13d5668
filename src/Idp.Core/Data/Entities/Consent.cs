namespace Idp.Data.Entities;

/// <summary>The scopes a user granted a third-party client.</summary>
public sealed class Consent
{
    public string SubjectId { get; set; } = "";
    public string ClientId { get; set; } = "";
    public List<string> Scopes { get; set; } = [];
    public DateTimeOffset GrantedAt { get; set; }
}
