using Idp.Configuration;
using Idp.Data.Entities;
using Idp.Protocol.Authorize;
using Idp.Protocol.Clients;
using Microsoft.Extensions.Options;

namespace Idp.Protocol.Par;

/// <summary>
/// RFC 9126: the client pushes its authorization request over the back channel, authenticated, and gets a
/// single-use <c>request_uri</c>. The request is validated here as at the authorization endpoint; errors
/// come back as JSON, never by redirect.
/// </summary>
public sealed class PushedAuthorizationEndpoint(ClientAuthenticator authenticator, AuthorizeRequestValidator validator, ParkedRequests parked, IOptions<IdpOptions> options)
{
    public async Task<IResult> HandleAsync(HttpContext http)
    {
        var (parameters, authenticated, error) = await authenticator.ReadAsync(http);
        if (error is not null)
            return error;
        var client = authenticated!;

        // The client's credentials are not part of the request and must not be stored with it.
        var request = new RequestParameters(parameters!.Values.Where(p => !ClientAuthenticator.CredentialParameters.Contains(p.Key)).ToDictionary(p => p.Key, p => p.Value));
        if (!request.Has(Parameters.ClientId))
            request = new RequestParameters(new Dictionary<string, string>(request.Values) { [Parameters.ClientId] = client.ClientId });

        var validation = await validator.ValidateAsync(request, client, http.RequestAborted);
        switch (validation)
        {
            case AuthorizeValidation.ErrorPage page:
                return ProtocolResults.Error(page.Error);
            case AuthorizeValidation.ErrorRedirect redirect:
                return ProtocolResults.Error(redirect.Error);
        }

        var (handle, _) = await parked.CreateAsync(AuthorizationRequestKind.Pushed, client.ClientId, request, http.RequestAborted);
        return ProtocolResults.Json(new Dictionary<string, object>
        {
            ["request_uri"] = ParkedRequests.RequestUriPrefix + handle,
            ["expires_in"] = (int)options.Value.Tokens.PushedRequestLifetime.TotalSeconds,
        }, StatusCodes.Status201Created);
    }
}
