using System.Text;
using Idp.Data.Entities;
using Idp.Protocol;
using Idp.Protocol.Clients;
using Idp.Security;
using Idp.Testing;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;

namespace Idp.UnitTests.Protocol.Clients;

/// <summary>RFC 6749 §2.3: one authentication method per client, and one per request.</summary>
public sealed class ClientAuthenticatorMethodTests : IDisposable
{
    private const string Secret = "a-long-client-secret";
    private readonly AssertionTestRig _rig = new();
    private readonly TestClientKey _key = TestClientKey.Rsa("k1");
    private readonly ClientAuthenticator _authenticator;

    public ClientAuthenticatorMethodTests()
    {
        var keyClient = AssertionTestRig.KeyClient("key-client", _key);
        var secretClient = new Client { ClientId = "secret-client", SecretHash = Hashing.Sha256(Secret) };
        var postClient = new Client { ClientId = "post-client", SecretHash = Hashing.Sha256(Secret), TokenEndpointAuthMethod = ClientAuthMethods.ClientSecretPost };
        var publicClient = new Client { ClientId = "public-client" };
        _authenticator = new ClientAuthenticator(new FakeClientStore(keyClient, secretClient, postClient, publicClient), _rig.Validator,
            Microsoft.Extensions.Options.Options.Create(_rig.Options), TimeProvider.System, NullLogger<ClientAuthenticator>.Instance);
    }

    public void Dispose()
    {
        _key.Dispose();
        _rig.Dispose();
    }

    private Task<ClientAuthentication> Authenticate(Dictionary<string, string> form, string? basic = null)
    {
        var http = new DefaultHttpContext();
        http.Request.Path = "/connect/token";
        if (basic is not null)
            http.Request.Headers.Authorization = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(basic));
        return _authenticator.AuthenticateAsync(http.Request, new RequestParameters(form));
    }

    private Dictionary<string, string> AssertionForm(string clientId, TestClientKey? key = null) => new()
    {
        ["client_assertion_type"] = ClientAssertionValidator.AssertionType,
        ["client_assertion"] = (key ?? _key).Assertion(clientId, AssertionTestRig.TokenEndpoint, _rig.Clock.GetUtcNow()),
    };

    private static void AssertInvalidClient(ClientAuthentication result)
    {
        Assert.False(result.Succeeded);
        Assert.Equal(Errors.InvalidClient, result.Error!.Error);
    }

    [Fact]
    public async Task PrivateKeyJwt_GoodAssertion_AuthenticatesTheClient()
    {
        var result = await Authenticate(AssertionForm("key-client"));

        Assert.Equal("key-client", result.Client?.ClientId);
    }

    [Fact]
    public async Task PrivateKeyJwt_WithMatchingClientId_AuthenticatesTheClient()
    {
        var form = AssertionForm("key-client");
        form["client_id"] = "key-client";

        Assert.True((await Authenticate(form)).Succeeded);
    }

    [Fact]
    public async Task PrivateKeyJwt_ClientIdDiffersFromTheAssertion_IsRefused()
    {
        var form = AssertionForm("key-client");
        form["client_id"] = "secret-client";

        AssertInvalidClient(await Authenticate(form));
    }

    [Fact]
    public async Task PrivateKeyJwt_WrongAssertionType_IsRefused()
    {
        var form = AssertionForm("key-client");
        form["client_assertion_type"] = "urn:ietf:params:oauth:client-assertion-type:saml2-bearer";

        AssertInvalidClient(await Authenticate(form));
    }

    [Fact]
    public async Task PrivateKeyJwt_AssertionTypeWithoutAssertion_IsRefused()
    {
        AssertInvalidClient(await Authenticate(new() { ["client_assertion_type"] = ClientAssertionValidator.AssertionType }));
    }

    [Fact]
    public async Task PrivateKeyJwt_ClientSendingASecret_IsRefused()
    {
        // A key client has no secret; whatever it sends as one is refused for the method.
        AssertInvalidClient(await Authenticate(new() { ["client_id"] = "key-client", ["client_secret"] = Secret }));
        AssertInvalidClient(await Authenticate(new(), basic: "key-client:" + Secret));
    }

    [Fact]
    public async Task PrivateKeyJwt_ClientSendingNothing_IsRefused()
    {
        AssertInvalidClient(await Authenticate(new() { ["client_id"] = "key-client" }));
    }

    [Fact]
    public async Task SecretClient_SendingAnAssertion_IsRefused()
    {
        // Even a correctly signed assertion: the client is registered for its secret.
        AssertInvalidClient(await Authenticate(AssertionForm("secret-client")));
    }

    [Fact]
    public async Task PublicClient_SendingAnAssertion_IsRefused()
    {
        AssertInvalidClient(await Authenticate(AssertionForm("public-client")));
    }

    [Fact]
    public async Task Assertion_WithASecretBeside_IsRefusedAsTwoMethods()
    {
        var form = AssertionForm("key-client");
        form["client_secret"] = Secret;

        var result = await Authenticate(form);

        Assert.Equal(Errors.InvalidRequest, result.Error!.Error);
    }

    [Fact]
    public async Task Assertion_WithBasicAuthentication_IsRefusedAsTwoMethods()
    {
        var result = await Authenticate(AssertionForm("key-client"), basic: "secret-client:" + Secret);

        Assert.Equal(Errors.InvalidRequest, result.Error!.Error);
    }

    [Fact]
    public async Task SecretClientWithoutDeclaredMethod_MayUseBasicOrPost()
    {
        Assert.True((await Authenticate(new(), basic: "secret-client:" + Secret)).Succeeded);
        Assert.True((await Authenticate(new() { ["client_id"] = "secret-client", ["client_secret"] = Secret })).Succeeded);
    }

    [Fact]
    public async Task ClientSecretPostClient_UsingBasic_IsRefused()
    {
        AssertInvalidClient(await Authenticate(new(), basic: "post-client:" + Secret));
        Assert.True((await Authenticate(new() { ["client_id"] = "post-client", ["client_secret"] = Secret })).Succeeded);
    }

    [Fact]
    public async Task Assertion_NotAJwt_IsRefused()
    {
        AssertInvalidClient(await Authenticate(new() { ["client_assertion_type"] = ClientAssertionValidator.AssertionType, ["client_assertion"] = "garbage" }));
    }
}
