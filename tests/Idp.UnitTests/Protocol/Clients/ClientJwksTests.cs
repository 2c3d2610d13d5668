using Idp.Protocol.Clients;
using Idp.Testing;

namespace Idp.UnitTests.Protocol.Clients;

public sealed class ClientJwksTests
{
    [Fact]
    public void Jwks_WithRsaAndEcKeys_IsRead()
    {
        using var rsa = TestClientKey.Rsa("r");
        using var ec = TestClientKey.Ec("e");

        Assert.True(ClientJwks.TryParse(TestClientKey.Jwks(rsa, ec), out var keys, out _));
        Assert.Equal(["r", "e"], keys.Select(k => k.Kid));
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("{\"keys\":")]
    [InlineData("[]")]
    public void Jwks_NotAKeySet_IsRefused(string json)
    {
        Assert.False(ClientJwks.TryParse(json, out _, out var error));
        Assert.Contains("not a valid JSON Web Key Set", error);
    }

    [Fact]
    public void Jwks_WithoutSigningKeys_IsRefused()
    {
        Assert.False(ClientJwks.TryParse("""{"keys":[]}""", out _, out var error));
        Assert.Contains("no RSA or EC signing key", error);
    }

    [Fact]
    public void Jwks_WithPrivateOrSymmetricKey_IsRefused()
    {
        Assert.False(ClientJwks.TryParse("""{"keys":[{"kty":"oct","k":"c2VjcmV0"}]}""", out _, out var symmetric));
        Assert.False(ClientJwks.TryParse("""{"keys":[{"kty":"EC","crv":"P-256","x":"AQ","y":"AQ","d":"AQ"}]}""", out _, out var ec));

        Assert.Contains("private or symmetric", symmetric);
        Assert.Contains("private or symmetric", ec);
    }
}
