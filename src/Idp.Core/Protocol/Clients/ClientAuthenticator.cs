using System.Net.Http.Headers;
using System.Text;
using Idp.Configuration;
using Idp.Data.Entities;
using Idp.Security;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Idp.Protocol.Clients;

public sealed record ClientAuthentication(Client? Client, ProtocolError? Error, bool BasicAttempted)
{
    public bool Succeeded => Client is not null;

    /// <summary>The error response: <c>invalid_client</c> is 401 (RFC 6749 §5.2), anything else 400.</summary>
    public IResult ErrorResult() => Error!.Error == Errors.InvalidClient
        ? ProtocolResults.InvalidClient(Error.Description ?? "", BasicAttempted)
        : ProtocolResults.Error(Error);
}

/// <summary>A back-channel request (token, PAR, revocation, introspection): its form parameters and its authenticated client, or the error to answer.</summary>
public sealed record ClientRequest(RequestParameters? Parameters, Client? Client, IResult? Error);

/// <summary>
/// Client authentication at the token, PAR, revocation and introspection endpoints (RFC 6749 §2.3):
/// <c>client_secret_basic</c>, <c>client_secret_post</c>, <c>private_key_jwt</c> (RFC 7523 §2.2), or <c>none</c> for
/// public clients. Each client has one method; any other is refused.
/// </summary>
public sealed partial class ClientAuthenticator(IClientStore clients, ClientAssertionValidator assertions, IOptions<IdpOptions> options, TimeProvider clock, ILogger<ClientAuthenticator> logger)
{
    private const string Failed = "Client authentication failed.";
    private const string ClientAssertion = "client_assertion";
    private const string ClientAssertionType = "client_assertion_type";

    /// <summary>Form parameters that authenticate the client and are no part of the request itself.</summary>
    public static readonly string[] CredentialParameters = [Parameters.ClientSecret, ClientAssertion, ClientAssertionType];

    /// <summary>Reads a POSTed form and authenticates its client.</summary>
    public async Task<ClientRequest> ReadAsync(HttpContext http)
    {
        var (parameters, readError) = await RequestParameters.ReadAsync(http.Request, allowQuery: false);
        if (parameters is null)
            return new ClientRequest(null, null, ProtocolResults.Error(readError!));
        var authentication = await AuthenticateAsync(http.Request, parameters, http.RequestAborted);
        return authentication.Succeeded
            ? new ClientRequest(parameters, authentication.Client, null)
            : new ClientRequest(parameters, null, authentication.ErrorResult());
    }

    public async Task<ClientAuthentication> AuthenticateAsync(HttpRequest request, RequestParameters parameters, CancellationToken cancellationToken = default)
    {
        if (parameters.Has(ClientAssertion) || parameters.Has(ClientAssertionType))
            return await AuthenticateAssertionAsync(request, parameters, cancellationToken);

        string? clientId;
        string? secret;
        var basicAttempted = false;
        var authorization = request.Headers.Authorization.ToString();
        if (authorization.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            basicAttempted = true;
            if (!TryParseBasic(authorization, out clientId, out secret))
                return new(null, new ProtocolError(Errors.InvalidClient, "The Basic authorization header is malformed."), true);
            // RFC 6749 §2.3: a client must not use more than one authentication method in a request.
            if (parameters.Has(Parameters.ClientSecret))
                return new(null, new ProtocolError(Errors.InvalidRequest, "Use one client authentication method, not two."), true);
            if (parameters[Parameters.ClientId] is { } bodyClientId && bodyClientId != clientId)
                return new(null, new ProtocolError(Errors.InvalidClient, "client_id differs from the authenticated client."), true);
        }
        else
        {
            clientId = parameters[Parameters.ClientId];
            secret = parameters[Parameters.ClientSecret];
        }

        if (string.IsNullOrEmpty(clientId))
            return new(null, new ProtocolError(Errors.InvalidClient, "The client is not identified."), basicAttempted);

        var client = await clients.FindAsync(clientId, cancellationToken);
        if (client is null)
            return new(null, new ProtocolError(Errors.InvalidClient, Failed), basicAttempted);
        if (!ClientProfiles.AllowsAuthMethod(client, client.AuthMethod))
        {
            LogWrongMethod(client.ClientId, client.AuthMethod, ClientAuthMethods.PrivateKeyJwt);
            return new(null, new ProtocolError(Errors.InvalidClient, Failed), basicAttempted);
        }

        if (client.IsPublic)
        {
            return secret is null
                ? new(client, null, basicAttempted)
                : new(null, new ProtocolError(Errors.InvalidClient, Failed), basicAttempted);
        }

        var used = secret is null ? ClientAuthMethods.None : basicAttempted ? ClientAuthMethods.ClientSecretBasic : ClientAuthMethods.ClientSecretPost;
        if (!MayUse(client, used))
        {
            LogWrongMethod(client.ClientId, used, client.AuthMethod);
            return new(null, new ProtocolError(Errors.InvalidClient, Failed), basicAttempted);
        }
        if (string.IsNullOrEmpty(secret) || !SecretMatches(client, secret, clock.GetUtcNow()))
            return new(null, new ProtocolError(Errors.InvalidClient, Failed), basicAttempted);
        return new(client, null, basicAttempted);
    }

    /// <summary>
    /// The current secret, or during a rotation's overlap the previous one. Both comparisons always run, in constant
    /// time, and are joined without short-circuit: the response time tells nothing about which one matched.
    /// </summary>
    internal static bool SecretMatches(Client client, string secret, DateTimeOffset now)
    {
        var presented = Hashing.Sha256(secret);
        var previousValid = client.PreviousSecretHash is not null && client.PreviousSecretExpiresAt > now;
        // Outside an overlap the presented hash is compared with itself and the result discarded, so the work is the same.
        var previous = previousValid ? client.PreviousSecretHash! : presented;
        var matchesCurrent = Hashing.FixedTimeEquals(presented, client.SecretHash!);
        var matchesPrevious = Hashing.FixedTimeEquals(presented, previous) & previousValid;
        return matchesCurrent | matchesPrevious;
    }

    /// <summary>RFC 7523 §2.2 and §3: <c>client_assertion_type</c> jwt-bearer and a <c>client_assertion</c> signed by the client.</summary>
    private async Task<ClientAuthentication> AuthenticateAssertionAsync(HttpRequest request, RequestParameters parameters, CancellationToken cancellationToken)
    {
        // RFC 6749 §2.3: one method per request.
        if (request.Headers.Authorization.ToString().StartsWith("Basic ", StringComparison.OrdinalIgnoreCase) || parameters.Has(Parameters.ClientSecret))
            return new(null, new ProtocolError(Errors.InvalidRequest, "Use one client authentication method, not two."), false);
        if (parameters[ClientAssertionType] != ClientAssertionValidator.AssertionType)
            return new(null, new ProtocolError(Errors.InvalidClient, "client_assertion_type must be " + ClientAssertionValidator.AssertionType + "."), false);
        var assertion = parameters[ClientAssertion];
        if (string.IsNullOrEmpty(assertion))
            return new(null, new ProtocolError(Errors.InvalidClient, "client_assertion is missing."), false);

        // The client is named by the assertion's sub (RFC 7523 §3 item 2); a client_id beside it must agree.
        string subject;
        try
        {
            subject = new JsonWebToken(assertion).Subject;
        }
        catch (Exception exception) when (exception is ArgumentException or Microsoft.IdentityModel.Tokens.SecurityTokenMalformedException)
        {
            return new(null, new ProtocolError(Errors.InvalidClient, "client_assertion is not a JWT."), false);
        }
        var clientId = parameters[Parameters.ClientId] ?? subject;
        if (parameters[Parameters.ClientId] is { } bodyClientId && bodyClientId != subject)
            return new(null, new ProtocolError(Errors.InvalidClient, "client_id differs from the assertion's subject."), false);

        var client = await clients.FindAsync(clientId, cancellationToken);
        if (client is null)
            return new(null, new ProtocolError(Errors.InvalidClient, Failed), false);
        if (client.AuthMethod != ClientAuthMethods.PrivateKeyJwt)
        {
            LogWrongMethod(client.ClientId, ClientAuthMethods.PrivateKeyJwt, client.AuthMethod);
            return new(null, new ProtocolError(Errors.InvalidClient, Failed), false);
        }

        var endpointUrl = options.Value.Issuer + request.Path.Value;
        if (await assertions.ValidateAsync(client, assertion, endpointUrl, cancellationToken) is { } refusal)
        {
            LogAssertionRefused(client.ClientId, refusal);
            return new(null, new ProtocolError(Errors.InvalidClient, Failed), false);
        }
        return new(client, null, false);
    }

    /// <summary>
    /// One method per client. A client stored before the method was recorded, with a secret, may send it either
    /// way (as it always could); a declared secret method means that transport only.
    /// </summary>
    private static bool MayUse(Client client, string used) => client.TokenEndpointAuthMethod is null
        ? used is ClientAuthMethods.ClientSecretBasic or ClientAuthMethods.ClientSecretPost
        : used == client.TokenEndpointAuthMethod;

    [LoggerMessage(EventId = 1122, Level = LogLevel.Warning, Message = "Client {ClientId} authenticated with {Used} but is registered for {Registered}")]
    private partial void LogWrongMethod(string clientId, string used, string registered);

    [LoggerMessage(EventId = 1123, Level = LogLevel.Warning, Message = "Client assertion of {ClientId} refused: {Refusal}")]
    private partial void LogAssertionRefused(string clientId, AssertionRefusal refusal);

    /// <summary>RFC 6749 §2.3.1: id and secret are form-urlencoded before they are joined and base64-encoded.</summary>
    internal static bool TryParseBasic(string header, out string? clientId, out string? secret)
    {
        clientId = secret = null;
        if (!AuthenticationHeaderValue.TryParse(header, out var value) || string.IsNullOrEmpty(value.Parameter))
            return false;
        string decoded;
        try
        {
            decoded = Encoding.UTF8.GetString(Convert.FromBase64String(value.Parameter));
        }
        catch (FormatException)
        {
            return false;
        }
        var colon = decoded.IndexOf(':');
        if (colon <= 0)
            return false;
        try
        {
            clientId = Uri.UnescapeDataString(decoded[..colon].Replace('+', ' '));
            secret = Uri.UnescapeDataString(decoded[(colon + 1)..].Replace('+', ' '));
        }
        catch (UriFormatException)
        {
            return false;
        }
        return clientId.Length > 0 && secret.Length > 0;
    }
}
