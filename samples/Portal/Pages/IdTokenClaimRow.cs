using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Portal.Pages;

/// <summary>One claim of an ID token as the claims page shows it: arrays as JSON, times as dates.</summary>
public sealed record IdTokenClaimRow(string Name, string Value, DateTimeOffset? Date, string? Meaning)
{
    private static readonly HashSet<string> TimeClaims = ["exp", "iat", "nbf", "auth_time", "updated_at"];

    private static readonly Dictionary<string, string> Meanings = new()
    {
        ["iss"] = "issuer: who made the token",
        ["sub"] = "subject: your stable identifier at Idp",
        ["aud"] = "audience: the client the token is for",
        ["exp"] = "expires",
        ["iat"] = "issued at",
        ["nbf"] = "not valid before",
        ["auth_time"] = "when you authenticated",
        ["nonce"] = "binds the token to this portal's sign-in request",
        ["acr"] = "authentication level reached",
        ["amr"] = "authentication methods used (RFC 8176)",
        ["azp"] = "authorized party",
        ["sid"] = "your session at Idp",
        ["at_hash"] = "hash of the access token issued with it",
        ["name"] = "full name",
        ["email"] = "e-mail address",
        ["email_verified"] = "whether Idp has confirmed the e-mail address",
    };

    /// <summary>Reads the payload as JSON, so arrays (amr) and numbers keep their shape. The token was validated at sign-in.</summary>
    public static IReadOnlyList<IdTokenClaimRow> Read(string idToken)
    {
        var token = new JsonWebToken(idToken);
        using var payload = JsonDocument.Parse(Encoding.UTF8.GetString(Base64UrlEncoder.DecodeBytes(token.EncodedPayload)));
        var rows = new List<IdTokenClaimRow>();
        foreach (var property in payload.RootElement.EnumerateObject())
        {
            var value = property.Value;
            DateTimeOffset? date = TimeClaims.Contains(property.Name) && value.TryGetInt64(out var seconds)
                ? DateTimeOffset.FromUnixTimeSeconds(seconds)
                : null;
            var text = value.ValueKind == JsonValueKind.String ? value.GetString() ?? "" : value.GetRawText();
            rows.Add(new IdTokenClaimRow(property.Name, text, date, Meanings.GetValueOrDefault(property.Name)));
        }

        return rows;
    }
}
