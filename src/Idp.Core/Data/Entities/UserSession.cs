namespace Idp.Data.Entities;

/// <summary>
/// The single sign-on session: who signed in, when, with which factors. The browser's cookie carries
/// only its id (<c>sid</c>); this row is the truth, so ending it here signs the browser out everywhere.
/// </summary>
public sealed class UserSession
{
    public string Id { get; set; } = "";
    public string SubjectId { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
    /// <summary>Time of the last interactive authentication (<c>auth_time</c>).</summary>
    public DateTimeOffset AuthTime { get; set; }
    /// <summary>Space-separated RFC 8176 method values.</summary>
    public string Amr { get; set; } = "";
    public string Acr { get; set; } = "";
    public bool Persistent { get; set; }
    /// <summary>
    /// A password-only sign-in granted as one of the free sign-ins after registration: it satisfies a portal that
    /// requires a second factor only while the user has none.
    /// </summary>
    public bool Grace { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public DateTimeOffset? EndedAt { get; set; }
    public string? IpAddress { get; set; }
    public string? UserAgent { get; set; }
    public List<UserSessionClient> Clients { get; set; } = [];
}

/// <summary>A client that received tokens in a session; told of the session's end by back-channel logout.</summary>
public sealed class UserSessionClient
{
    public string SessionId { get; set; } = "";
    public string ClientId { get; set; } = "";
}
