using System.Text.Json;

namespace Idp.Protocol.Tokens;

/// <summary>
/// The <c>claims</c> request parameter (OpenID Connect Core §5.5): individual claims asked for the ID token and for
/// the userinfo response, and the essential <c>acr</c> values (§5.5.1.1). Only the names are kept; whether a claim
/// is released is <see cref="UserClaims"/>' decision.
/// </summary>
public sealed record ClaimsRequest(IReadOnlyList<string> IdToken, IReadOnlyList<string> UserInfo, IReadOnlyList<string> EssentialAcr)
{
    public const string IdTokenMember = "id_token";
    public const string UserInfoMember = "userinfo";
    private const int MaxClaims = 50;

    public static readonly ClaimsRequest Empty = new([], [], []);

    /// <summary>
    /// Reads a claims request. False for a malformed one (§5.5: a JSON object whose <c>id_token</c> and
    /// <c>userinfo</c> members are objects, each claim <c>null</c> or an object whose <c>essential</c> is a boolean and
    /// <c>values</c> an array). Members other than these two are ignored, as are unknown claims.
    /// </summary>
    public static bool TryParse(string? json, out ClaimsRequest request)
    {
        request = Empty;
        if (string.IsNullOrEmpty(json))
            return true;
        try
        {
            using var document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 8 });
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                return false;
            var essentialAcr = new List<string>();
            if (!TryReadMember(root, IdTokenMember, essentialAcr, out var idToken) || !TryReadMember(root, UserInfoMember, null, out var userInfo))
                return false;
            request = new ClaimsRequest(idToken, userInfo, essentialAcr);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static bool TryReadMember(JsonElement root, string member, List<string>? essentialAcr, out List<string> names)
    {
        names = [];
        if (!root.TryGetProperty(member, out var claims) || claims.ValueKind == JsonValueKind.Null)
            return true;
        if (claims.ValueKind != JsonValueKind.Object)
            return false;
        foreach (var claim in claims.EnumerateObject())
        {
            if (claim.Value.ValueKind == JsonValueKind.Null)
            {
                names.Add(claim.Name);
                continue;
            }
            if (claim.Value.ValueKind != JsonValueKind.Object)
                return false;
            var essential = false;
            if (claim.Value.TryGetProperty("essential", out var essentialElement))
            {
                if (essentialElement.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
                    return false;
                essential = essentialElement.ValueKind == JsonValueKind.True;
            }
            if (claim.Value.TryGetProperty("values", out var values) && values.ValueKind != JsonValueKind.Array)
                return false;
            names.Add(claim.Name);
            if (essential && claim.Name == "acr" && essentialAcr is not null)
            {
                if (claim.Value.TryGetProperty("value", out var value) && value.ValueKind == JsonValueKind.String)
                    essentialAcr.Add(value.GetString()!);
                if (values.ValueKind == JsonValueKind.Array)
                    essentialAcr.AddRange(values.EnumerateArray().Where(v => v.ValueKind == JsonValueKind.String).Select(v => v.GetString()!));
            }
        }
        if (names.Count > MaxClaims)
            return false;
        names = names.Distinct(StringComparer.Ordinal).ToList();
        return true;
    }
}
