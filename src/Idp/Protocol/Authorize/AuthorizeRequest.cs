using Idp.Authentication;
using Idp.Data.Entities;

namespace Idp.Protocol.Authorize;

/// <summary>An authorization request that passed validation.</summary>
public sealed class AuthorizeRequest
{
    public required Client Client { get; init; }
    public required RequestParameters Raw { get; init; }
    public required string RedirectUri { get; init; }
    public required string ResponseMode { get; init; }
    public string? State { get; init; }
    public required IReadOnlyList<string> Scopes { get; init; }
    public string? Nonce { get; init; }
    public string? CodeChallenge { get; init; }
    public required IReadOnlySet<string> Prompt { get; init; }
    public int? MaxAge { get; init; }
    public string? LoginHint { get; init; }
    public string? IdTokenHint { get; init; }
    public required IReadOnlyList<string> UiLocales { get; init; }
    public required IReadOnlyList<string> AcrValues { get; init; }

    /// <summary>Levels asked for through an essential <c>acr</c> claim request; they must be met.</summary>
    public required IReadOnlyList<string> EssentialAcrValues { get; init; }
    public string? ClaimsJson { get; init; }

    /// <summary>RFC 9449 §10: the code is redeemed only with a DPoP proof by the key of this thumbprint.</summary>
    public string? DPoPJkt { get; init; }

    public bool IsOpenId => Scopes.Contains(Protocol.Scopes.OpenId);
}

/// <summary>Where an error may be sent: back to a verified redirect URI, or only shown to the user.</summary>
public abstract record AuthorizeValidation
{
    public sealed record Valid(AuthorizeRequest Request) : AuthorizeValidation;

    /// <summary>The client or redirect URI cannot be trusted: show an error page, never redirect (RFC 6749 §4.1.2.1).</summary>
    public sealed record ErrorPage(ProtocolError Error) : AuthorizeValidation;

    /// <summary>The redirect URI is verified: the error goes back to the client.</summary>
    public sealed record ErrorRedirect(ErrorDestination Destination, ProtocolError Error) : AuthorizeValidation;
}

/// <summary>A verified place to send an authorization response.</summary>
public sealed record ErrorDestination(string RedirectUri, string ResponseMode, string? State);
