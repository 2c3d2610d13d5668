using Microsoft.Extensions.Primitives;
using Portal.Authentication;

namespace Portal.Tests;

public sealed class AuthorizationResponseIssuerTests
{
    private readonly TestIdp idp = new();

    [Fact]
    public void Validate_IssOfIdp_IsAccepted() =>
        Assert.Null(AuthorizationResponseIssuer.Validate(TestIdp.Issuer, idp.Configuration));

    [Fact]
    public void Validate_IssOfAnotherServer_IsRejected() =>
        Assert.NotNull(AuthorizationResponseIssuer.Validate("https://attacker.example", idp.Configuration));

    [Fact]
    public void Validate_IssWithTrailingSlash_IsRejected() =>
        Assert.NotNull(AuthorizationResponseIssuer.Validate(TestIdp.Issuer + "/", idp.Configuration));

    [Fact]
    public void Validate_MissingIssWhenIdpAnnouncesIt_IsRejected() =>
        Assert.NotNull(AuthorizationResponseIssuer.Validate(StringValues.Empty, idp.Configuration));

    [Fact]
    public void Validate_MissingIssWhenIdpDoesNotAnnounceIt_IsAccepted()
    {
        idp.Configuration.AuthorizationResponseIssParameterSupported = false;

        Assert.Null(AuthorizationResponseIssuer.Validate(StringValues.Empty, idp.Configuration));
    }

    [Fact]
    public void Validate_TwoIssParameters_IsRejected() =>
        Assert.NotNull(AuthorizationResponseIssuer.Validate(new StringValues([TestIdp.Issuer, TestIdp.Issuer]), idp.Configuration));
}
