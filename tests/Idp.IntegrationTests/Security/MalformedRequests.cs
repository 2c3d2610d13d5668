using System.Text;
using Microsoft.AspNetCore.Http;

namespace Idp.IntegrationTests.Security;

/// <summary>One generated request, applied to a test-server <see cref="HttpContext"/> without any client-side encoding.</summary>
public sealed record FuzzRequest(int Index, string Method, string Path, string Query, IReadOnlyList<(string Name, string Value)> Headers, byte[] Body)
{
    public void Apply(HttpContext context)
    {
        context.Request.Method = Method;
        context.Request.Path = new PathString(Path);
        context.Request.QueryString = new QueryString(Query);
        foreach (var (name, value) in Headers)
            context.Request.Headers.Append(name, value);
        if (Body.Length > 0)
        {
            context.Request.Body = new MemoryStream(Body);
            context.Request.ContentLength = Body.Length;
        }
    }

    public override string ToString()
    {
        var query = Query.Length > 120 ? Query[..120] + $"…({Query.Length})" : Query;
        var type = Headers.FirstOrDefault(h => h.Name == "Content-Type").Value;
        return $"#{Index} {Method} {Path}{query} [{type ?? "no content type"}, {Body.Length} bytes]";
    }
}

/// <summary>What the fuzzer knows of the application: valid values it mixes in, so requests get past the first check.</summary>
public sealed record FuzzContext(string ClientId, string ConfidentialClientId, string ClientSecret, string RedirectUri,
    string AccessToken, IReadOnlyList<FuzzIdentity> Identities);

/// <summary>A browser's cookies (anonymous, signed in, half-way through a sign-in) and the antiforgery token that goes with them.</summary>
public sealed record FuzzIdentity(string Name, string Page, string Cookies, string AntiforgeryToken);

/// <summary>
/// Seeded, deterministic generator of malformed requests across the protocol endpoints, the sign-in forms and the device
/// API: odd methods, broken percent-encoding, duplicate and over-long parameters, huge or mistyped bodies, bad cookies
/// and credentials. The same seed gives the same requests, so a failure names a request that can be replayed.
/// </summary>
public sealed class MalformedRequests(int seed, FuzzContext known)
{
    private readonly Random _random = new(seed);
    private int _index;
    private FuzzIdentity _identity = known.Identities[0];

    private static readonly string[] ProtocolPaths =
    [
        "/connect/authorize", "/connect/authorize/resume", "/connect/par", "/connect/token", "/connect/userinfo",
        "/connect/revocation", "/connect/introspect", "/connect/endsession",
        "/.well-known/openid-configuration", "/.well-known/oauth-authorization-server", "/.well-known/jwks",
    ];

    private static readonly string[] PagePaths =
    [
        "/", "/signin", "/signin/totp", "/signin/push", "/signin/recovery-code", "/signin/step-up", "/signin/reset",
        "/signin/reset/status", "/signin/access-pass", "/signin/passkey", "/signin/passkey-only", "/register", "/register/done",
        "/forgot-password", "/reset-password", "/confirm-email", "/consent", "/signout", "/profile", "/preferences",
        "/enrol", "/enrol/welcome", "/enrol/totp", "/enrol/recovery-codes", "/enrol/push", "/enrol/passkey", "/error", "/dev/outbox",
    ];

    private static readonly string[] DevicePaths =
    [
        "/api/authenticator/v1/registrations", "/api/authenticator/v1/registrations/{id}/confirm",
        "/api/authenticator/v1/credentials/{id}/requests", "/api/authenticator/v1/requests/{id}/decision",
        "/api/authenticator/v1/requests/{id}/report", "/api/authenticator/v1/credentials/{id}/push-subscription",
        "/api/authenticator/v1/credentials/{id}", "/api/authenticator/v1/vapid-public-key",
    ];

    private static readonly string[] OtherPaths = ["/nope", "/connect", "/api/authenticator/v1", "/css/../../etc/passwd", "/signin/", "/%2e%2e/", "/\u00e4\u00f6\u00fc", "/a\0b"];

    private static readonly string[] OddMethods = ["PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "TRACE", "CONNECT", "PROPFIND", "FOO"];

    private static readonly string[] ParameterNames =
    [
        "client_id", "response_type", "redirect_uri", "scope", "state", "nonce", "code_challenge", "code_challenge_method",
        "prompt", "max_age", "acr_values", "claims", "id_token_hint", "login_hint", "request_uri", "request", "ui_locales",
        "response_mode", "grant_type", "code", "code_verifier", "refresh_token", "token", "token_type_hint", "client_secret",
        "client_assertion", "post_logout_redirect_uri", "logout_hint", "handler", "returnUrl", "ReturnUrl", "id", "t", "userId",
        "Login", "AccountNumber", "Password", "ConfirmPassword", "Email", "Code", "RememberMe", "TrustBrowser", "Name", "Phone",
        "GivenName", "FamilyName", "Culture", "credentialId", "reference", "__RequestVerificationToken", "", "request_id",
        "Input.Login", "Input.Password", "Input.RememberMe", "Input.Email", "Input.GivenName", "Input.FamilyName", "Input.ConfirmPassword",
        "Input.NewPassword", "Input.Code", "Input.Name", "Input.PhoneNumber", "Input.TrustBrowser", "Input.Contact", "Input.Message",
        "Input.Reason", "Candidate", "Credential", "Remember", "account", "culture", "enable", "kind", "name", "phoneNumber", "push", "referrer",
    ];

    private static readonly string[] Handlers =
    [
        "Allow", "Deny", "Language", "Phone", "RegenerateCodes", "Remove", "Rename", "ResendConfirmation", "RevokeBrowser",
        "ScreenReader", "SignOutOthers", "Options", "Begin", "Complete", "Cancel", "x",
    ];

    private static readonly string[] ContentTypes =
    [
        "application/x-www-form-urlencoded", "application/x-www-form-urlencoded", "application/x-www-form-urlencoded; charset=utf-8",
        "application/x-www-form-urlencoded; charset=bogus", "application/json", "application/json; charset=utf-16", "text/plain",
        "multipart/form-data", "multipart/form-data; boundary=fuzz", "application/octet-stream", "application/xml", "x/y/z", ";;;",
    ];

    public FuzzRequest Next()
    {
        var index = _index++;
        _identity = Pick(known.Identities);
        var family = _random.Next(10);
        var path = family switch
        {
            < 4 => Pick(ProtocolPaths),
            < 7 => Pick(PagePaths),
            < 9 => Pick(DevicePaths).Replace("{id}", Identifier(), StringComparison.Ordinal),
            _ => Pick(OtherPaths),
        };
        var isApi = path.StartsWith("/api/", StringComparison.Ordinal);
        if (path is "/signout" or "/connect/endsession")
            _identity = known.Identities[0]; // a valid sign-out would end the signed-in session for the rest of the run
        var method = isApi && Chance(0.3) ? Pick(["PUT", "DELETE"]) : _random.Next(20) switch { < 7 => "GET", < 17 => "POST", _ => Pick(OddMethods) };
        var headers = new List<(string, string)>();
        var query = Chance(0.6) ? "?" + Parameters(_random.Next(1, 8)) : "";
        if (query.Length > 0 && Chance(0.1))
            query += "&handler=" + Pick(Handlers);

        var body = Array.Empty<byte>();
        if (method is not ("GET" or "HEAD" or "TRACE") && Chance(0.85))
        {
            var contentType = isApi ? (Chance(0.7) ? "application/json" : Pick(ContentTypes))
                : Chance(0.6) ? "application/x-www-form-urlencoded" : Pick(ContentTypes);
            headers.Add(("Content-Type", contentType));
            body = contentType.StartsWith("application/json", StringComparison.Ordinal) ? Json()
                : contentType.StartsWith("multipart/", StringComparison.Ordinal) ? Multipart()
                : FormBody();
        }

        headers.Add(("Accept", Pick(["text/html,application/xhtml+xml", "text/html", "application/json", "*/*", "", "x;q=oops", "application/problem+json"])));
        if (Chance(0.4))
            headers.Add(("Authorization", Authorization()));
        if (Chance(0.9))
            headers.Add(("Cookie", Cookies()));
        if (Chance(0.2))
            headers.Add(("Accept-Language", Pick(["de-DE,de;q=0.9", "xx-YYYY;q=abc", "*;q=-1", "en;q=2", "\u00e4", ";;,,"])));
        if (Chance(0.1))
            headers.Add(("Origin", Pick(["http://localhost:5400", "null", "http://evil.example", "%zz"])));
        if (Chance(0.1))
            headers.Add(("X-Forwarded-For", Pick(["1.2.3.4", "garbage", "::1, 300.1.1.1", ""])));
        if (Chance(0.05))
            headers.Add(("Range", Pick(["bytes=0-1", "bytes=-x", "chars=1-2"])));
        return new FuzzRequest(index, method, path, query, headers, body);
    }

    private string Parameters(int count)
    {
        var parts = new List<string>();
        for (var i = 0; i < count; i++)
        {
            var name = Pick(ParameterNames);
            var value = Value(name);
            var part = Chance(0.75) ? $"{Uri.EscapeDataString(name)}={Uri.EscapeDataString(value)}" : $"{name}={value.Replace("&", "", StringComparison.Ordinal)}";
            parts.Add(part);
            if (Chance(0.1))
                parts.Add(part); // the same parameter twice
        }
        if (Chance(0.03))
            parts.AddRange(Enumerable.Range(0, 1100).Select(i => $"p{i}=1")); // beyond the form's value count limit
        if (Chance(0.03))
            parts.Add(new string('k', 3000) + "=v"); // beyond the key length limit
        return string.Join(Chance(0.05) ? ";" : "&", parts);
    }

    private string Value(string name) => _random.Next(4) switch
    {
        0 => Valid(name),
        _ => Pick(
        [
            "", " ", "%", "%zz", "%E0%A4%A", "%00", "\0", "%C0%AF", "\u00e4\u00f6\u00fc\u00df", "\ud83d\ude00", "\ud800", "<script>alert(1)</script>",
            "' OR 1=1 --", "-1", "0", "99999999999999999999", "1e309", "NaN", "null", "{}", "[]", "{\"id_token\":{\"acr\":{\"essential\":true}}}",
            "{\"userinfo\":", "javascript:alert(1)", "https://evil.example/cb", "http://localhost/../../", "//evil.example", "/\\evil.example",
            "openid openid openid", "code token id_token", "S256", "plain", "none login consent", "urn:ietf:params:oauth:request_uri:x",
            new string('a', 5000), new string('\u00e4', 3000), string.Concat(Enumerable.Repeat("%41", 3000)), "true", "on", "2026-13-45",
            "aGVsbG8", "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.", "a.b.c", "a\r\nSet-Cookie: x=y", "\t\n",
        ]),
    };

    private string Valid(string name) => name switch
    {
        "client_id" => Pick([known.ClientId, known.ConfidentialClientId]),
        "response_type" => "code",
        "redirect_uri" or "post_logout_redirect_uri" => known.RedirectUri,
        "scope" => "openid profile email offline_access",
        "code_challenge" => "E9Melhoa2OwvFrEMTJguCHaoeJmSzvLj0ZqXT3nd7ME",
        "code_challenge_method" => "S256",
        "grant_type" => Pick(["authorization_code", "refresh_token", "client_credentials", "password", "urn:ietf:params:oauth:grant-type:device_code"]),
        "client_secret" => known.ClientSecret,
        "token" => known.AccessToken,
        "token_type_hint" => Pick(["access_token", "refresh_token"]),
        "prompt" => Pick(["none", "login", "consent", "select_account"]),
        "max_age" => Pick(["0", "300"]),
        "acr_values" => Pick(["urn:idp:acr:mfa", "urn:idp:acr:phr"]),
        "response_mode" => Pick(["query", "form_post", "fragment"]),
        "handler" => Pick(Handlers),
        "__RequestVerificationToken" => _identity.AntiforgeryToken,
        "culture" => Pick(["de", "en", "xx"]),
        "Input.Code" or "Code" => Pick(["123456", "12345678", "ABCD-EFGH"]),
        "returnUrl" or "ReturnUrl" => Pick(["/", "/profile", "https://evil.example"]),
        _ => "1234567890",
    };

    private byte[] FormBody()
    {
        var fields = Parameters(_random.Next(0, 10));
        if (Chance(0.8))
            fields += "&__RequestVerificationToken=" + Uri.EscapeDataString(_identity.AntiforgeryToken);
        if (Chance(0.02))
            fields += "&big=" + new string('x', 2_000_000);
        return Chance(0.03) ? RandomBytes(300) : Encoding.UTF8.GetBytes(fields);
    }

    private byte[] Json() => Chance(0.1) ? RandomBytes(200) : Encoding.UTF8.GetBytes(Pick(
    [
        "", "{", "}", "{\"login\":", "null", "1", "\"x\"", "[]", "[{}]", "{}", "{\"login\":5,\"password\":[]}", "{\"number\":\"x\"}",
        "{\"number\":99999999999999}", "{\"number\":1.5}", "{\"credentialId\":{},\"decision\":\"approve\"}", "{\"code\":12345678}",
        "{\"endpoint\":\"https://push.example/x\",\"keys\":{\"p256dh\":\"x\",\"auth\":\"y\"}}", "{\"endpoint\":5,\"keys\":\"x\"}",
        "{\"login\":\"1000000001\",\"password\":\"x\",\"publicKey\":\"not-a-key\",\"deviceName\":\"" + new string('d', 5000) + "\"}",
        "{\"login\":\"\\ud800\"}", "{\"a\":1,\"a\":2}", "{'single':'quotes'}", "{\"x\":1}garbage", "\ufeff{}",
        new string('[', 5000) + new string(']', 5000), "{\"publicKey\":\"" + new string('A', 100_000) + "\"}",
    ]));

    private byte[] Multipart() => Encoding.UTF8.GetBytes(Pick(
    [
        "", "--fuzz\r\nContent-Disposition: form-data; name=\"Password\"\r\n\r\nx\r\n--fuzz--\r\n", "--fuzz\r\n\r\n", "garbage",
        "--fuzz\r\nContent-Disposition: form-data; name=\"f\"; filename=\"a.txt\"\r\nContent-Type: text/plain\r\n\r\n" + new string('z', 10_000) + "\r\n--fuzz--",
    ]));

    private string Authorization() => Pick(
    [
        "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{known.ConfidentialClientId}:{known.ClientSecret}")),
        "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{known.ConfidentialClientId}:wrong")),
        "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("%zz:%")), "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("nocolon")),
        "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("a\0b:c")), "Basic !!!notbase64", "Basic", "Basic ", "Bearer " + known.AccessToken, "Bearer x.y.z", "Bearer", "Bearer " + new string('a', 10_000),
        "Digest username=x", "\u00e4",
    ]);

    private string Cookies() => Chance(0.85) ? _identity.Cookies + (Chance(0.1) ? "; " + BadCookie() : "") : BadCookie();

    private string BadCookie() => Pick(
    [
        "idp.antiforgery=garbage", "idp.session=garbage", "idp.pending=%zz",
        "idp.trusted=" + new string('t', 5000), ".AspNetCore.Culture=c%3Dxx%7Cuic%3Dzz", ".AspNetCore.Culture=garbage", "a=%zz; ;;=;",
        "idp.session=CfDJ8" + new string('A', 300), "idp.a11y=1", "=", _identity.Cookies + "; idp.antiforgery=other",
    ]);

    private string Identifier() => Pick(["x", "00000000-0000-0000-0000-000000000000", "3f2504e04f8911d39a0c0305e82c3301", new string('9', 300), "%zz", "\u00e4", "..", "-1"]);

    private byte[] RandomBytes(int length)
    {
        var bytes = new byte[length];
        _random.NextBytes(bytes);
        return bytes;
    }

    private bool Chance(double probability) => _random.NextDouble() < probability;

    private T Pick<T>(IReadOnlyList<T> items) => items[_random.Next(items.Count)];
}
