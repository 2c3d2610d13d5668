namespace Idp.Data.Entities;

public enum AuthorizationRequestKind
{
    /// <summary>Pushed by the client (RFC 9126); referenced by <c>request_uri</c>.</summary>
    Pushed = 1,
    /// <summary>Parked while the user signs in or consents; referenced by the sign-in UI.</summary>
    Interaction = 2,
}

/// <summary>
/// A validated authorization request kept server-side: pushed by the client, or parked while the user
/// interacts. Stored by the SHA-256 of its handle.
/// </summary>
public sealed class AuthorizationRequestRecord
{
    public string Id { get; set; } = "";
    public AuthorizationRequestKind Kind { get; set; }
    public string ClientId { get; set; } = "";
    /// <summary>The request parameters as a JSON object of strings.</summary>
    public string Parameters { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public DateTimeOffset? ConsumedAt { get; set; }

    /// <summary>Set when the user declined (consent denied, sign-in cancelled): the client gets this error.</summary>
    public string? Error { get; set; }

    /// <summary>
    /// SHA-256 of the interaction cookie of the browser that parked the request: only that browser may read,
    /// answer or resume it.
    /// </summary>
    public string? BrowserBinding { get; set; }

    /// <summary>The user who first authenticated or answered for this request; nobody else may resume it.</summary>
    public string? SubjectId { get; set; }

    /// <summary>Scopes <see cref="SubjectId"/> consented to for this request only (when not remembered).</summary>
    public string? ConsentedScopes { get; set; }
}
