using Idp.Data.Entities;
using Idp.Protocol.Clients;
using Idp.Testing;

namespace Idp.UnitTests.Protocol.Clients;

/// <summary>FAPI 2.0 §5.3.2.1 item 8: a <c>Fapi2</c> client's assertion names the issuer, as a string, as its only audience.</summary>
public sealed class Fapi2AssertionAudienceTests : IDisposable
{
    private const string ClientId = "fapi-client";
    private readonly AssertionTestRig _rig = new();
    private readonly TestClientKey _key = TestClientKey.Ec("ec-1");
    private readonly Client _client;

    public Fapi2AssertionAudienceTests()
    {
        _client = AssertionTestRig.KeyClient(ClientId, _key);
        _client.Profile = ClientProfile.Fapi2;
    }

    public void Dispose()
    {
        _key.Dispose();
        _rig.Dispose();
    }

    private Task<AssertionRefusal?> Validate(object? audience, string endpoint = AssertionTestRig.TokenEndpoint) =>
        _rig.Validator.ValidateAsync(_client, _key.Assertion(ClientId, AssertionTestRig.Issuer, _rig.Clock.GetUtcNow(), c => c["aud"] = audience), endpoint);

    [Fact]
    public async Task Fapi2Assertion_IssuerAsString_IsAccepted()
    {
        Assert.Null(await Validate(AssertionTestRig.Issuer));
    }

    [Theory]
    [InlineData(AssertionTestRig.TokenEndpoint, AssertionTestRig.TokenEndpoint)]
    [InlineData(AssertionTestRig.Issuer + "/connect/par", AssertionTestRig.Issuer + "/connect/par")]
    public async Task Fapi2Assertion_EndpointUrlAsAudience_IsRefused(string audience, string endpoint)
    {
        Assert.Equal(AssertionRefusal.Audience, await Validate(audience, endpoint));
    }

    [Fact]
    public async Task Fapi2Assertion_IssuerInAnArray_IsRefused()
    {
        Assert.Equal(AssertionRefusal.Audience, await Validate(new[] { AssertionTestRig.Issuer }));
    }

    [Fact]
    public async Task DefaultAssertion_TokenEndpointAsAudience_IsStillAccepted()
    {
        _client.Profile = ClientProfile.Default;

        Assert.Null(await Validate(AssertionTestRig.TokenEndpoint));
    }
}
