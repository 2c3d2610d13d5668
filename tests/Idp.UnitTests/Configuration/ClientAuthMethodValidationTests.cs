using Idp.Configuration;
using Idp.Testing;

namespace Idp.UnitTests.Configuration;

/// <summary>Start-up checks of a declared client's authentication method (one method per client, RFC 6749 §2.3).</summary>
public sealed class ClientAuthMethodValidationTests
{
    private static List<string> Failures(Action<ClientOptions> configure, bool development = false)
    {
        var client = new ClientOptions { ClientId = "c", RedirectUris = ["https://client.example/cb"] };
        configure(client);
        var failures = new List<string>();
        ClientAuthMethodValidation.Validate(client, "Idp:Clients:0", development, failures);
        return failures;
    }

    private static string Jwks()
    {
        using var key = TestClientKey.Rsa("k");
        return TestClientKey.Jwks(key);
    }

    [Fact]
    public void PrivateKeyJwt_WithInlineJwks_IsAccepted() =>
        Assert.Empty(Failures(c => { c.TokenEndpointAuthMethod = "private_key_jwt"; c.Jwks = Jwks(); }));

    [Fact]
    public void PrivateKeyJwt_WithHttpsJwksUri_IsAccepted() =>
        Assert.Empty(Failures(c => { c.TokenEndpointAuthMethod = "private_key_jwt"; c.JwksUri = "https://client.example/jwks"; }));

    [Fact]
    public void PrivateKeyJwt_WithoutKeys_IsRefused() =>
        Assert.Equal("Idp:Clients:0: private_key_jwt needs exactly one of Jwks or JwksUri.", Assert.Single(Failures(c => c.TokenEndpointAuthMethod = "private_key_jwt")));

    [Fact]
    public void PrivateKeyJwt_WithJwksAndJwksUri_IsRefused() =>
        Assert.Equal("Idp:Clients:0: private_key_jwt needs exactly one of Jwks or JwksUri.", Assert.Single(Failures(c =>
        {
            c.TokenEndpointAuthMethod = "private_key_jwt";
            c.Jwks = Jwks();
            c.JwksUri = "https://client.example/jwks";
        })));

    [Fact]
    public void PrivateKeyJwt_InvalidJwksJson_IsRefusedInOneLine()
    {
        var failure = Assert.Single(Failures(c => { c.TokenEndpointAuthMethod = "private_key_jwt"; c.Jwks = "{\"keys\": [ {"; }));

        Assert.StartsWith("Idp:Clients:0:Jwks: the JWKS is not a valid JSON Web Key Set", failure);
        Assert.DoesNotContain('\n', failure);
    }

    [Fact]
    public void PrivateKeyJwt_WithASecret_IsRefused() =>
        Assert.Contains("Idp:Clients:0: a client with TokenEndpointAuthMethod private_key_jwt must not have a Secret or SecretHash.",
            Failures(c => { c.TokenEndpointAuthMethod = "private_key_jwt"; c.Jwks = Jwks(); c.Secret = "long-enough-secret"; }));

    [Fact]
    public void JwksUri_PlainHttp_IsRefusedOutsideDevelopmentOnly()
    {
        void Http(ClientOptions c)
        {
            c.TokenEndpointAuthMethod = "private_key_jwt";
            c.JwksUri = "http://localhost:5002/jwks";
        }

        Assert.Equal("Idp:Clients:0:JwksUri must be an absolute https URL (http only in Development).", Assert.Single(Failures(Http)));
        Assert.Empty(Failures(Http, development: true));
    }

    [Fact]
    public void Jwks_WithASecretMethod_IsRefused() =>
        Assert.Equal("Idp:Clients:0: Jwks and JwksUri are only for TokenEndpointAuthMethod private_key_jwt.", Assert.Single(Failures(c =>
        {
            c.Secret = "long-enough-secret";
            c.JwksUri = "https://client.example/jwks";
        })));

    [Fact]
    public void SecretMethod_WithoutASecret_IsRefused() =>
        Assert.Equal("Idp:Clients:0: client_secret_post needs a Secret or SecretHash.", Assert.Single(Failures(c => c.TokenEndpointAuthMethod = "client_secret_post")));

    [Fact]
    public void UnknownMethod_IsRefused() =>
        Assert.StartsWith("Idp:Clients:0:TokenEndpointAuthMethod 'tls_client_auth' is unknown", Assert.Single(Failures(c => c.TokenEndpointAuthMethod = "tls_client_auth")));

    [Fact]
    public void NoMethod_WithoutSecret_IsAPublicClient() =>
        Assert.Equal("none", new ClientOptions().EffectiveAuthMethod);
}
