using System.Text.Json;
using Idp.Factors.Push.WebPush;
using Idp.Testing;

namespace Idp.UnitTests.Factors.Push;

public sealed class VapidTests
{
    [Fact]
    public void Token_VerifiesUnderThePublicKeyWithAudienceExpiryAndSubject()
    {
        using var key = VapidKey.Generate();
        var now = DateTimeOffset.UtcNow;
        var endpoint = new Uri("https://push.example.net:8443/wpush/v2/abc?x=1");

        var token = VapidToken.Create(key, VapidToken.AudienceOf(endpoint), "mailto:ops@example.org", now.AddHours(12));
        var claims = WebPushReceiver.VerifyVapid(VapidToken.AuthorizationHeader(token, key), "https://push.example.net:8443", now);

        Assert.Equal("mailto:ops@example.org", claims.Subject);
        Assert.Equal(key.PublicKeyBase64Url, claims.PublicKey);
        Assert.Equal(now.AddHours(12).ToUnixTimeSeconds(), claims.ExpiresAt.ToUnixTimeSeconds());
    }

    [Fact]
    public void Token_SignedByAnotherKey_DoesNotVerify()
    {
        using var key = VapidKey.Generate();
        using var other = VapidKey.Generate();
        var token = VapidToken.Create(other, "https://push.example.net", "mailto:ops@example.org", DateTimeOffset.UtcNow.AddHours(1));

        Assert.Throws<InvalidOperationException>(() =>
            WebPushReceiver.VerifyVapid(VapidToken.AuthorizationHeader(token, key), "https://push.example.net", DateTimeOffset.UtcNow));
    }

    [Fact]
    public void Token_HeaderIsEs256Jwt()
    {
        using var key = VapidKey.Generate();
        var token = VapidToken.Create(key, "https://push.example.net", "mailto:a@b.example", DateTimeOffset.UtcNow.AddHours(1));

        using var header = JsonDocument.Parse(WebPushReceiver.FromBase64Url(token.Split('.')[0]));
        Assert.Equal("ES256", header.RootElement.GetProperty("alg").GetString());
        Assert.Equal("JWT", header.RootElement.GetProperty("typ").GetString());
        Assert.Equal(64, WebPushReceiver.FromBase64Url(token.Split('.')[2]).Length); // r || s
    }

    [Fact]
    public void AudienceOf_IsTheOriginWithoutDefaultPortOrPath()
    {
        Assert.Equal("https://fcm.googleapis.com", VapidToken.AudienceOf(new Uri("https://fcm.googleapis.com/fcm/send/xyz")));
        Assert.Equal("http://127.0.0.1:5999", VapidToken.AudienceOf(new Uri("http://127.0.0.1:5999/push/1")));
    }

    [Fact]
    public void Key_FromConfiguredPair_RoundTripsAndRejectsAMismatch()
    {
        using var key = VapidKey.Generate();
        var d = WebPushReceiver.Base64Url(key.ExportPrivateScalar());

        using var loaded = VapidKey.FromBase64Url(key.PublicKeyBase64Url, d);
        Assert.Equal(key.PublicKey, loaded.PublicKey);

        using var other = VapidKey.Generate();
        Assert.ThrowsAny<System.Security.Cryptography.CryptographicException>(() => VapidKey.FromBase64Url(other.PublicKeyBase64Url, d));
    }

    [Theory]
    [InlineData(true, false, null, "set together")]
    [InlineData(false, false, "ops@example.org", "mailto: address or an https URL")]
    [InlineData(false, false, "http://example.org", "mailto: address or an https URL")]
    public void Options_Misconfigured_NameTheSetting(bool publicOnly, bool mismatched, string? subject, string expected)
    {
        using var key = VapidKey.Generate();
        var options = new WebPushOptions
        {
            PublicKey = publicOnly || mismatched ? key.PublicKeyBase64Url : null,
            Subject = subject,
        };

        var result = new WebPushOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains(expected, result.FailureMessage);
        Assert.Contains("Idp:Push:Vapid:", result.FailureMessage);
    }

    [Fact]
    public void Options_ConfiguredPairThatDoesNotMatch_FailsStartUp()
    {
        using var key = VapidKey.Generate();
        using var other = VapidKey.Generate();
        var options = new WebPushOptions
        {
            PublicKey = other.PublicKeyBase64Url,
            PrivateKey = WebPushReceiver.Base64Url(key.ExportPrivateScalar()),
        };

        var result = new WebPushOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains("not a P-256 key pair", result.FailureMessage);
    }

    [Fact]
    public void Options_ValidPairAndSubject_Pass()
    {
        using var key = VapidKey.Generate();
        var options = new WebPushOptions
        {
            PublicKey = key.PublicKeyBase64Url,
            PrivateKey = WebPushReceiver.Base64Url(key.ExportPrivateScalar()),
            Subject = "mailto:ops@example.org",
        };

        Assert.True(new WebPushOptionsValidator().Validate(null, options).Succeeded);
        Assert.True(new WebPushOptionsValidator().Validate(null, new WebPushOptions()).Succeeded);
    }

    [Theory]
    [InlineData("https://fcm.googleapis.com/fcm/send/abc", true)]
    [InlineData("http://127.0.0.1:4000/push", true)]
    [InlineData("http://localhost:4000/push", true)]
    [InlineData("http://push.example.net/push", false)]
    [InlineData("https://user:pw@push.example.net/push", false)]
    [InlineData("ftp://push.example.net/push", false)]
    [InlineData("/relative", false)]
    [InlineData("", false)]
    public void Endpoint_OnlyHttpsOrLoopbackHttp(string endpoint, bool accepted)
    {
        Assert.Equal(accepted, WebPushSender.TryParseEndpoint(endpoint, out _));
    }
}
