using System.Text;
using Idp.Protocol;
using Idp.Protocol.Authorize;
using Idp.Protocol.Clients;
using Idp.Protocol.Tokens;
using Microsoft.Extensions.Primitives;

namespace Idp.UnitTests.Protocol;

public sealed class PrimitivesTests
{
    // RFC 7636 Appendix B.
    private const string Verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    private const string Challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

    [Fact]
    public void Pkce_Rfc7636AppendixB_Verifies() => Assert.True(Pkce.Verify(Verifier, Challenge));

    [Fact]
    public void Pkce_WrongVerifier_Fails() => Assert.False(Pkce.Verify(Verifier[..^1] + "l", Challenge));

    [Theory]
    [InlineData("tooshort")]
    [InlineData("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk!")]
    public void Pkce_MalformedVerifier_Fails(string verifier) => Assert.False(Pkce.Verify(verifier, Challenge));

    [Fact]
    public void AtHash_OpenIdConnectCoreAppendixA3_Matches() =>
        Assert.Equal("77QmUPtjPfzWtF2AnpK9RQ", TokenIssuer.LeftHalfHash("jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y"));

    [Fact]
    public void Parameters_SentTwice_AreRefused()
    {
        var ok = RequestParameters.TryParse([new("scope", new StringValues(["openid", "profile"]))], out _, out var error);
        Assert.False(ok);
        Assert.Equal(Errors.InvalidRequest, error!.Error);
    }

    [Fact]
    public void Parameters_Oversized_AreRefused()
    {
        var ok = RequestParameters.TryParse([new("state", new StringValues(new string('a', RequestParameters.MaxValueLength + 1)))], out _, out var error);
        Assert.False(ok);
        Assert.Equal(Errors.InvalidRequest, error!.Error);
    }

    [Fact]
    public void Parameters_Empty_CountAsAbsent()
    {
        Assert.True(RequestParameters.TryParse([new("state", new StringValues(""))], out var parameters, out _));
        Assert.False(parameters!.Has("state"));
    }

    [Fact]
    public void BasicCredentials_AreFormUrlDecoded()
    {
        // RFC 6749 §2.3.1: "my client" / "s3cr:t+%" encoded before base64.
        var header = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("my+client:s3cr%3At%2B%25"));
        Assert.True(ClientAuthenticator.TryParseBasic(header, out var id, out var secret));
        Assert.Equal("my client", id);
        Assert.Equal("s3cr:t+%", secret);
    }

    [Theory]
    [InlineData("Basic !!!")]
    [InlineData("Basic Y2xpZW50")]
    [InlineData("Basic OnNlY3JldA==")]
    public void BasicCredentials_Malformed_AreRefused(string header) =>
        Assert.False(ClientAuthenticator.TryParseBasic(header, out _, out _));

    [Fact]
    public void AppendQuery_KeepsExistingQueryAndEncodes()
    {
        var uri = AuthorizeResponses.AppendQuery("https://portal.example/cb?tenant=a", [("code", "x y"), ("state", "a&b")]);
        Assert.Equal("https://portal.example/cb?tenant=a&code=x%20y&state=a%26b", uri);
    }
}
