using Idp.Authentication;
using Idp.Configuration;
using Idp.Data;
using Idp.Data.Entities;
using Idp.Protocol.Tokens;
using Idp.Security;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Idp.Protocol.Authorize;

/// <summary>
/// The authorization endpoint (RFC 6749 §3.1, OpenID Connect Core §3.1.2) and its resumption after the user
/// interacted. Validates, then makes the one decision: sign in, step up, consent, or issue a code.
/// </summary>
public sealed class AuthorizeEndpoint(
    AuthorizeRequestValidator validator,
    ParkedRequests parked,
    IdpDbContext db,
    SessionService sessions,
    IStepUpPolicy stepUp,
    OwnTokenValidator ownTokens,
    TimeProvider clock,
    IOptions<IdpOptions> options,
    ILogger<AuthorizeEndpoint> logger)
{
    public const string RequestIdParameter = "request_id";
    public const string SignInPath = "/signin";
    public const string ConsentPath = "/consent";

    private string Issuer => options.Value.Issuer;

    public async Task<IResult> HandleAsync(HttpContext http)
    {
        var cancellationToken = http.RequestAborted;
        var (parameters, readError) = await RequestParameters.ReadAsync(http.Request, allowQuery: true);
        if (parameters is null)
            return AuthorizeResponses.ErrorPage(readError!);

        // RFC 9126 §4: a pushed request replaces the parameters; client_id must be sent again and match.
        if (parameters[Parameters.RequestUri] is { } requestUri && requestUri.StartsWith(ParkedRequests.RequestUriPrefix, StringComparison.Ordinal))
        {
            var pushed = await parked.FindAsync(requestUri[ParkedRequests.RequestUriPrefix.Length..], AuthorizationRequestKind.Pushed, cancellationToken);
            if (pushed is null || pushed.ClientId != parameters[Parameters.ClientId])
                return AuthorizeResponses.ErrorPage(new ProtocolError(Errors.InvalidRequestUri, "request_uri is unknown, expired, already used, or belongs to another client."));
            if (!await parked.ConsumeAsync(pushed, cancellationToken))
                return AuthorizeResponses.ErrorPage(new ProtocolError(Errors.InvalidRequestUri, "request_uri was already used."));
            parameters = ParkedRequests.ReadParameters(pushed);
        }

        var validation = await validator.ValidateAsync(parameters, cancellationToken: cancellationToken);
        return validation switch
        {
            AuthorizeValidation.Valid valid => await DecideAsync(http, valid.Request, null, null),
            _ => Reject(validation),
        };
    }

    /// <summary>Back from the sign-in UI: the parked request is decided again with the session the user now has.</summary>
    public async Task<IResult> ResumeAsync(HttpContext http)
    {
        var handle = http.Request.Query[RequestIdParameter].ToString();
        var record = await parked.FindAsync(handle, AuthorizationRequestKind.Interaction, http.RequestAborted);
        if (record is null)
            return AuthorizeResponses.ErrorPage(new ProtocolError(Errors.InvalidRequest, "This sign-in has expired or was already completed. Go back to the application and start again."));

        var validation = await validator.ValidateAsync(ParkedRequests.ReadParameters(record), cancellationToken: http.RequestAborted);
        if (validation is not AuthorizeValidation.Valid valid)
            return Reject(validation);
        if (record.Error is not null)
        {
            await parked.ConsumeAsync(record, http.RequestAborted);
            return AuthorizeResponses.Error(Destination(valid.Request), new ProtocolError(record.Error, "The user declined."), Issuer);
        }
        return await DecideAsync(http, valid.Request, record, handle);
    }

    private IResult Reject(AuthorizeValidation validation) => validation switch
    {
        AuthorizeValidation.ErrorRedirect redirect => AuthorizeResponses.Error(redirect.Destination, redirect.Error, Issuer),
        AuthorizeValidation.ErrorPage page => AuthorizeResponses.ErrorPage(page.Error),
        _ => throw new InvalidOperationException("A valid request is not a rejection."),
    };

    private async Task<IResult> DecideAsync(HttpContext http, AuthorizeRequest request, AuthorizationRequestRecord? record, string? handle)
    {
        var cancellationToken = http.RequestAborted;
        var destination = Destination(request);
        var now = clock.GetUtcNow();

        var session = await sessions.GetCurrentAsync(http);
        var user = session is null ? null : await db.FindActiveUserAsync(session.SubjectId, now, cancellationToken);
        if (user is null)
            session = null;
        // The user authenticated after this request was parked: prompt=login and max_age are answered.
        var authenticatedNow = record is not null && session is not null && session.AuthTime >= record.CreatedAt;

        string? hintedSubject = null;
        if (request.IdTokenHint is not null)
        {
            var hint = await ownTokens.ValidateIdTokenHintAsync(request.IdTokenHint, cancellationToken);
            if (hint is null || !hint.Audiences.Contains(request.Client.ClientId))
                return AuthorizeResponses.Error(destination, new ProtocolError(Errors.InvalidRequest, "id_token_hint is not a valid ID token issued to this client."), Issuer);
            hintedSubject = hint.Subject;
        }

        var maxAgeExceeded = request.MaxAge is { } maxAge && !authenticatedNow && session is not null && now - session.AuthTime > TimeSpan.FromSeconds(maxAge);
        var needsLogin = session is null
            || (request.Prompt.Contains(PromptValues.Login) && !authenticatedNow)
            || (hintedSubject is not null && hintedSubject != session.SubjectId);
        if (needsLogin)
            return await InteractAsync(request, record, handle, Errors.LoginRequired, SignInPath, cancellationToken);

        // max_age exceeded (OpenID Connect Core §3.1.2.1): a user with a second factor proves it afresh (step-up,
        // not the password again); a user without one signs in again. prompt=login stays a full sign-in.
        if (maxAgeExceeded)
        {
            var reachable = await stepUp.GetReachableLevelAsync(user!, cancellationToken);
            var current = AuthenticationLevels.FromAcr(session!.Acr) ?? AuthenticationLevel.Password;
            var level = new[] { current, request.RequestedLevel?.Level ?? AuthenticationLevel.Password, AuthenticationLevel.SecondFactor }.Max();
            if (reachable >= level && !request.Prompt.Contains(PromptValues.None))
            {
                var (freshHandle, _) = record is null ? await parked.CreateAsync(AuthorizationRequestKind.Interaction, request.Client.ClientId, request.Raw, cancellationToken) : (handle!, record);
                if (stepUp.StepUpUrl(freshHandle, level) is { } freshUrl)
                    return TypedResults.Redirect(freshUrl);
            }
            return await InteractAsync(request, record, handle, Errors.LoginRequired, SignInPath, cancellationToken);
        }

        // Step-up (RFC 9470, OpenID Connect Core §3.1.2.1): essential acr must be met; voluntary acr_values are met when possible.
        if (request.RequestedLevel is { } requested)
        {
            var current = AuthenticationLevels.FromAcr(session!.Acr) ?? AuthenticationLevel.Password;
            if (current < requested.Level)
            {
                var reachable = await stepUp.GetReachableLevelAsync(user!, cancellationToken);
                if (reachable >= requested.Level)
                {
                    if (request.Prompt.Contains(PromptValues.None))
                        return AuthorizeResponses.Error(destination, new ProtocolError(Errors.InteractionRequired, "A stronger authentication is needed."), Issuer);
                    var (stepUpHandle, _) = record is null ? await parked.CreateAsync(AuthorizationRequestKind.Interaction, request.Client.ClientId, request.Raw, cancellationToken) : (handle!, record);
                    var url = stepUp.StepUpUrl(stepUpHandle, requested.Level);
                    if (url is not null)
                        return TypedResults.Redirect(url);
                }
                if (requested.Essential)
                    return AuthorizeResponses.Error(destination, new ProtocolError(Errors.UnmetAuthenticationRequirements, "The user has no means of authentication that reaches the requested level."), Issuer);
            }
        }

        if (request.Client.IsThirdParty && !await HasConsentAsync(request, session!.SubjectId, record, cancellationToken))
            return await InteractAsync(request, record, handle, Errors.ConsentRequired, ConsentPath, cancellationToken);

        if (record is not null && !await parked.ConsumeAsync(record, cancellationToken))
            return AuthorizeResponses.ErrorPage(new ProtocolError(Errors.InvalidRequest, "This sign-in was already completed."));

        var code = Hashing.RandomToken(32);
        db.AuthorizationCodes.Add(new AuthorizationCode
        {
            Id = Hashing.Sha256(code),
            ClientId = request.Client.ClientId,
            SubjectId = session!.SubjectId,
            SessionId = session.Id,
            RedirectUri = request.Raw.Has(Parameters.RedirectUri) ? request.RedirectUri : "",
            Scope = string.Join(' ', request.Scopes),
            Nonce = request.Nonce,
            CodeChallenge = request.CodeChallenge,
            AuthTime = session.AuthTime,
            Acr = session.Acr,
            Amr = session.Amr,
            ClaimsRequest = request.ClaimsJson,
            CreatedAt = now,
            ExpiresAt = now + options.Value.Tokens.AuthorizationCodeLifetime,
        });
        await db.SaveChangesAsync(cancellationToken);
        await sessions.AddClientAsync(session, request.Client.ClientId);
        Log.CodeIssued(logger, request.Client.ClientId, session.SubjectId);
        return AuthorizeResponses.Code(destination, code, Issuer);
    }

    /// <summary>Sends the browser to the UI, or with prompt=none answers the client that interaction is needed.</summary>
    private async Task<IResult> InteractAsync(AuthorizeRequest request, AuthorizationRequestRecord? record, string? handle, string promptNoneError, string path, CancellationToken cancellationToken)
    {
        if (request.Prompt.Contains(PromptValues.None))
            return AuthorizeResponses.Error(Destination(request), new ProtocolError(promptNoneError, "The user must interact, and prompt=none forbids it."), Issuer);
        if (record is null)
            (handle, _) = await parked.CreateAsync(AuthorizationRequestKind.Interaction, request.Client.ClientId, request.Raw, cancellationToken);
        var url = $"{path}?{RequestIdParameter}={Uri.EscapeDataString(handle!)}";
        if (request.UiLocales.Count > 0)
            url += "&ui_locales=" + Uri.EscapeDataString(string.Join(' ', request.UiLocales));
        return TypedResults.Redirect(url);
    }

    private async Task<bool> HasConsentAsync(AuthorizeRequest request, string subjectId, AuthorizationRequestRecord? record, CancellationToken cancellationToken)
    {
        if (record?.ConsentedScopes is { } consented)
            return request.Scopes.All(consented.Split(' ').Contains);
        if (request.Prompt.Contains(PromptValues.Consent))
            return false;
        var remembered = await db.Consents.AsNoTracking().FirstOrDefaultAsync(c => c.SubjectId == subjectId && c.ClientId == request.Client.ClientId, cancellationToken);
        return remembered is not null && request.Scopes.All(remembered.Scopes.Contains);
    }

    private static ErrorDestination Destination(AuthorizeRequest request) => new(request.RedirectUri, request.ResponseMode, request.State);
}

internal static partial class Log
{
    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "Authorization code issued to {ClientId} for {SubjectId}")]
    public static partial void CodeIssued(ILogger logger, string clientId, string subjectId);
}
