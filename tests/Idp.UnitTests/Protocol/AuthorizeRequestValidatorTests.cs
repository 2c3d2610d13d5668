using Idp.Authentication;
using Idp.Data.Entities;
using Idp.Protocol;
using Idp.Protocol.Authorize;

namespace Idp.UnitTests.Protocol;

public sealed class AuthorizeRequestValidatorTests
{
    private const string Challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

    private static Dictionary<string, string> Valid() => new()
    {
        ["client_id"] = "portal",
        ["redirect_uri"] = "https://portal.example/cb",
        ["response_type"] = "code",
        ["scope"] = "openid profile",
        ["state"] = "xyz",
        ["code_challenge"] = Challenge,
        ["code_challenge_method"] = "S256",
    };

    private static Task<AuthorizeValidation> Validate(Dictionary<string, string> values, Client? client = null, Client? pushedBy = null) =>
        new AuthorizeRequestValidator(new FakeClientStore(client ?? FakeClientStore.Portal())).ValidateAsync(new RequestParameters(values), pushedBy);

    private static async Task<ProtocolError> Page(Dictionary<string, string> values, Client? client = null) =>
        Assert.IsType<AuthorizeValidation.ErrorPage>(await Validate(values, client)).Error;

    private static async Task<AuthorizeValidation.ErrorRedirect> Redirected(Dictionary<string, string> values, Client? client = null) =>
        Assert.IsType<AuthorizeValidation.ErrorRedirect>(await Validate(values, client));

    [Fact]
    public async Task Validate_CompleteRequest_IsAccepted()
    {
        var request = Assert.IsType<AuthorizeValidation.Valid>(await Validate(Valid())).Request;
        Assert.Equal("https://portal.example/cb", request.RedirectUri);
        Assert.Equal(ResponseModes.Query, request.ResponseMode);
        Assert.Equal(["openid", "profile"], request.Scopes);
        Assert.Equal("xyz", request.State);
        Assert.True(request.IsOpenId);
    }

    [Fact]
    public async Task Validate_MissingClientId_ShowsPageWithoutRedirect()
    {
        var values = Valid();
        values.Remove("client_id");
        Assert.Equal(Errors.InvalidRequest, (await Page(values)).Error);
    }

    [Fact]
    public async Task Validate_UnknownClient_ShowsPageWithoutRedirect()
    {
        var values = Valid();
        values["client_id"] = "nobody";
        Assert.Equal(Errors.InvalidClient, (await Page(values)).Error);
    }

    [Fact]
    public async Task Validate_DisabledClient_ShowsPage()
    {
        Assert.Equal(Errors.InvalidClient, (await Page(Valid(), FakeClientStore.Portal(c => c.Enabled = false))).Error);
    }

    [Theory]
    [InlineData("https://portal.example/cb/")]
    [InlineData("https://PORTAL.example/cb")]
    [InlineData("https://portal.example/cb?x=1")]
    [InlineData("https://portal.example/cb#f")]
    [InlineData("https://portal.example/c")]
    [InlineData("https://evil.example/cb")]
    [InlineData("http://127.0.0.1:8081/cb")]
    public async Task Validate_RedirectUriNotExactlyRegistered_ShowsPageWithoutRedirect(string redirectUri)
    {
        var values = Valid();
        values["redirect_uri"] = redirectUri;
        Assert.Equal(Errors.InvalidRequest, (await Page(values)).Error);
    }

    [Fact]
    public async Task Validate_OpenIdRequestWithoutRedirectUri_ShowsPage()
    {
        var values = Valid();
        values.Remove("redirect_uri");
        Assert.Equal(Errors.InvalidRequest, (await Page(values)).Error);
    }

    [Fact]
    public async Task Validate_OAuthRequestWithoutRedirectUri_UsesTheOnlyRegisteredOne()
    {
        var values = Valid();
        values.Remove("redirect_uri");
        values["scope"] = "profile";
        var client = FakeClientStore.Portal(c => c.RedirectUris = ["https://portal.example/only"]);
        var request = Assert.IsType<AuthorizeValidation.Valid>(await Validate(values, client)).Request;
        Assert.Equal("https://portal.example/only", request.RedirectUri);
    }

    [Fact]
    public async Task Validate_UnknownResponseMode_RedirectsErrorByQuery()
    {
        var values = Valid();
        values["response_mode"] = "fragment";
        var error = await Redirected(values);
        Assert.Equal(Errors.InvalidRequest, error.Error.Error);
        Assert.Equal(ResponseModes.Query, error.Destination.ResponseMode);
        Assert.Equal("xyz", error.Destination.State);
    }

    [Fact]
    public async Task Validate_FormPostMode_ErrorsGoBackByFormPost()
    {
        var values = Valid();
        values["response_mode"] = "form_post";
        values["response_type"] = "token";
        var error = await Redirected(values);
        Assert.Equal(Errors.UnsupportedResponseType, error.Error.Error);
        Assert.Equal(ResponseModes.FormPost, error.Destination.ResponseMode);
    }

    [Theory]
    [InlineData("token")]
    [InlineData("id_token")]
    [InlineData("code id_token")]
    public async Task Validate_ResponseTypeOtherThanCode_IsUnsupported(string responseType)
    {
        var values = Valid();
        values["response_type"] = responseType;
        Assert.Equal(Errors.UnsupportedResponseType, (await Redirected(values)).Error.Error);
    }

    [Fact]
    public async Task Validate_MissingResponseType_IsInvalidRequest()
    {
        var values = Valid();
        values.Remove("response_type");
        Assert.Equal(Errors.InvalidRequest, (await Redirected(values)).Error.Error);
    }

    [Fact]
    public async Task Validate_ClientWithoutCodeGrant_IsUnauthorized()
    {
        var client = FakeClientStore.Portal(c => c.AllowedGrantTypes = ["client_credentials"]);
        Assert.Equal(Errors.UnauthorizedClient, (await Redirected(Valid(), client)).Error.Error);
    }

    [Fact]
    public async Task Validate_RequestObject_IsNotSupported()
    {
        var values = Valid();
        values["request"] = "eyJhbGciOiJub25lIn0.e30.";
        Assert.Equal(Errors.RequestNotSupported, (await Redirected(values)).Error.Error);
    }

    [Fact]
    public async Task Validate_RequestUriNotFromPar_IsNotSupported()
    {
        var values = Valid();
        values["request_uri"] = "https://attacker.example/request.jwt";
        Assert.Equal(Errors.RequestUriNotSupported, (await Redirected(values)).Error.Error);
    }

    [Fact]
    public async Task Validate_RegistrationParameter_IsNotSupported()
    {
        var values = Valid();
        values["registration"] = "{}";
        Assert.Equal(Errors.RegistrationNotSupported, (await Redirected(values)).Error.Error);
    }

    [Theory]
    [InlineData("")]
    [InlineData("openid admin")]
    public async Task Validate_MissingOrNotAllowedScope_IsInvalidScope(string scope)
    {
        var values = Valid();
        if (scope.Length == 0)
            values.Remove("scope");
        else
            values["scope"] = scope;
        Assert.Equal(Errors.InvalidScope, (await Redirected(values)).Error.Error);
    }

    [Fact]
    public async Task Validate_NoCodeChallenge_IsRefusedByDefault()
    {
        var values = Valid();
        values.Remove("code_challenge");
        values.Remove("code_challenge_method");
        Assert.Equal(Errors.InvalidRequest, (await Redirected(values)).Error.Error);
    }

    [Fact]
    public async Task Validate_PublicClientWithoutPkce_IsRefusedEvenIfPkceSwitchedOff()
    {
        var values = Valid();
        values.Remove("code_challenge");
        values.Remove("code_challenge_method");
        var client = FakeClientStore.Portal(c => { c.SecretHash = null; c.RequirePkce = false; });
        Assert.Equal(Errors.InvalidRequest, (await Redirected(values, client)).Error.Error);
    }

    [Fact]
    public async Task Validate_ConfidentialClientWithPkceOptional_MayOmitIt()
    {
        var values = Valid();
        values.Remove("code_challenge");
        values.Remove("code_challenge_method");
        var client = FakeClientStore.Portal(c => c.RequirePkce = false);
        Assert.IsType<AuthorizeValidation.Valid>(await Validate(values, client));
    }

    [Theory]
    [InlineData("plain")]
    [InlineData("s256")]
    [InlineData(null)]
    public async Task Validate_ChallengeMethodOtherThanS256_IsRefused(string? method)
    {
        var values = Valid();
        if (method is null)
            values.Remove("code_challenge_method");
        else
            values["code_challenge_method"] = method;
        Assert.Equal(Errors.InvalidRequest, (await Redirected(values)).Error.Error);
    }

    [Theory]
    [InlineData("short")]
    [InlineData("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-c+")]
    [InlineData("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM=")]
    public async Task Validate_MalformedChallenge_IsRefused(string challenge)
    {
        var values = Valid();
        values["code_challenge"] = challenge;
        Assert.Equal(Errors.InvalidRequest, (await Redirected(values)).Error.Error);
    }

    [Theory]
    [InlineData("none login")]
    [InlineData("select_account")]
    [InlineData("create")]
    public async Task Validate_BadPrompt_IsInvalidRequest(string prompt)
    {
        var values = Valid();
        values["prompt"] = prompt;
        Assert.Equal(Errors.InvalidRequest, (await Redirected(values)).Error.Error);
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("abc")]
    [InlineData("1.5")]
    [InlineData("99999999999999")]
    public async Task Validate_BadMaxAge_IsInvalidRequest(string maxAge)
    {
        var values = Valid();
        values["max_age"] = maxAge;
        Assert.Equal(Errors.InvalidRequest, (await Redirected(values)).Error.Error);
    }

    [Fact]
    public async Task Validate_MaxAgeZero_IsAccepted()
    {
        var values = Valid();
        values["max_age"] = "0";
        Assert.Equal(0, Assert.IsType<AuthorizeValidation.Valid>(await Validate(values)).Request.MaxAge);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[]")]
    [InlineData("{\"id_token\": 5}")]
    public async Task Validate_MalformedClaims_IsInvalidRequest(string claims)
    {
        var values = Valid();
        values["claims"] = claims;
        Assert.Equal(Errors.InvalidRequest, (await Redirected(values)).Error.Error);
    }

    [Fact]
    public async Task Validate_EssentialAcrClaim_IsRequiredLevel()
    {
        var values = Valid();
        values["claims"] = "{\"id_token\":{\"acr\":{\"essential\":true,\"values\":[\"" + AuthenticationLevels.PhishingResistantAcr + "\",\"" + AuthenticationLevels.SecondFactorAcr + "\"]}}}";
        var request = Assert.IsType<AuthorizeValidation.Valid>(await Validate(values)).Request;
        Assert.Equal(new RequestedLevel(AuthenticationLevel.SecondFactor, true), RequestedLevel.From(request.AcrValues, request.EssentialAcrValues));
    }

    [Fact]
    public async Task Validate_AcrValues_AreVoluntary_AndUnknownOnesIgnored()
    {
        var values = Valid();
        values["acr_values"] = $"urn:unknown {AuthenticationLevels.SecondFactorAcr}";
        var request = Assert.IsType<AuthorizeValidation.Valid>(await Validate(values)).Request;
        Assert.Equal(new RequestedLevel(AuthenticationLevel.SecondFactor, false), RequestedLevel.From(request.AcrValues, request.EssentialAcrValues));
    }

    [Fact]
    public async Task Validate_OversizedState_ShowsPage()
    {
        var values = Valid();
        values["state"] = new string('s', 3000);
        Assert.Equal(Errors.InvalidRequest, (await Page(values)).Error);
    }

    [Fact]
    public async Task Validate_PushedRequestWithRequestUri_IsInvalidRequest()
    {
        var values = Valid();
        values["request_uri"] = "urn:ietf:params:oauth:request_uri:abc";
        var client = FakeClientStore.Portal();
        var result = Assert.IsType<AuthorizeValidation.ErrorRedirect>(await Validate(values, client, pushedBy: client));
        Assert.Equal(Errors.InvalidRequest, result.Error.Error);
    }

    [Fact]
    public async Task Validate_PushedRequestForAnotherClient_IsRefused()
    {
        var values = Valid();
        values["client_id"] = "someone-else";
        var client = FakeClientStore.Portal();
        Assert.IsType<AuthorizeValidation.ErrorPage>(await Validate(values, client, pushedBy: client));
    }
}
