using Idp.Authentication;
using Idp.Configuration;
using Idp.Data;
using Idp.Data.Entities;
using Idp.Protocol.Clients;
using Idp.Protocol.Token.Storage;
using Idp.Protocol.Tokens;
using Idp.Security;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Idp.Protocol.Authorize;

/// <summary>
/// The authorization endpoint (RFC 6749 §3.1, OpenID Connect Core §3.1.2) and its resumption after the user
/// interacted. Validates, then asks the one <see cref="SignInDecision"/> and carries out its answer: sign in, ask a
/// factor, enrol, consent, refuse, or issue a code.
/// </summary>
public sealed class AuthorizeEndpoint(
    AuthorizeRequestValidator validator,
    ParkedRequests parked,
    IGrantStore grants,
    SessionService sessions,
    SignInDecision decision,
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

        var source = AuthorizeRequestSource.FrontChannel;
        // RFC 9126 §4: a pushed request replaces the parameters; client_id must be sent again and match.
        if (parameters[Parameters.RequestUri] is { } requestUri && requestUri.StartsWith(ParkedRequests.RequestUriPrefix, StringComparison.Ordinal))
        {
            var pushed = await parked.FindAsync(requestUri[ParkedRequests.RequestUriPrefix.Length..], AuthorizationRequestKind.Pushed, cancellationToken);
            if (pushed is null || pushed.ClientId != parameters[Parameters.ClientId])
                return AuthorizeResponses.ErrorPage(new ProtocolError(Errors.InvalidRequestUri, "request_uri is unknown, expired, already used, or belongs to another client."));
            if (!await parked.ConsumeAsync(pushed, cancellationToken))
                return AuthorizeResponses.ErrorPage(new ProtocolError(Errors.InvalidRequestUri, "request_uri was already used."));
            parameters = ParkedRequests.ReadParameters(pushed);
            source = AuthorizeRequestSource.Pushed;
        }

        var validation = await validator.ValidateAsync(parameters, cancellationToken: cancellationToken, source: source);
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
        // Only the browser that parked the request may resume it.
        var record = await parked.FindInteractionAsync(handle, http, http.RequestAborted);
        if (record is null)
            return AuthorizeResponses.ErrorPage(new ProtocolError(Errors.InvalidRequest, "This sign-in has expired, was already completed, or was started in another browser. Go back to the application and start again."));

        var validation = await validator.ValidateAsync(ParkedRequests.ReadParameters(record), cancellationToken: http.RequestAborted, source: AuthorizeRequestSource.Resumed);
        if (validation is not AuthorizeValidation.Valid valid)
            return Reject(validation);
        if (record.Error is not null)
        {
            await parked.ConsumeAsync(record, http.RequestAborted);
            return AuthorizeResponses.Error(Destination(valid.Request), new ProtocolError(record.Error, RecordedErrorDescription(record.Error)), Issuer);
        }
        return await DecideAsync(http, valid.Request, record, handle);
    }

    private IResult Reject(AuthorizeValidation validation) => validation switch
    {
        AuthorizeValidation.ErrorRedirect redirect => AuthorizeResponses.Error(redirect.Destination, redirect.Error, Issuer),
        AuthorizeValidation.ErrorPage page => AuthorizeResponses.ErrorPage(page.Error),
        _ => throw new InvalidOperationException("A valid request is not a rejection."),
    };

    /// <summary>Asks the one sign-in decision, then carries out its answer.</summary>
    private async Task<IResult> DecideAsync(HttpContext http, AuthorizeRequest request, AuthorizationRequestRecord? record, string? handle)
    {
        var cancellationToken = http.RequestAborted;
        var destination = Destination(request);
        var now = clock.GetUtcNow();
        // The session read and the code's insert are the grant store's statements: on SQLite and PostgreSQL the writes
        // have connections of their own, and holding the context's would only open and close it for nothing.
        await using var connection = await grants.HoldConnectionAsync(cancellationToken);

        var current = await sessions.GetCurrentReadAsync(http);
        var user = ActiveUsers.IfActive(current?.User, now);
        var session = user is null ? null : current!.Session;

        string? hintedSubject = null;
        if (request.IdTokenHint is not null)
        {
            var hint = await ownTokens.ValidateIdTokenHintAsync(request.IdTokenHint, cancellationToken);
            if (hint is null || !hint.Audiences.Contains(request.Client.ClientId))
                return AuthorizeResponses.Error(destination, new ProtocolError(Errors.InvalidRequest, "id_token_hint is not a valid ID token issued to this client."), Issuer);
            hintedSubject = hint.Subject;
        }

        var requirements = SignInRequirements.For(request.Client, options.Value.Mfa, request.Scopes, request.AcrValues, request.EssentialAcrValues, request.MaxAge, request.Prompt, hintedSubject);
        var parkedState = record is null ? null : new ParkedInteraction(record.CreatedAt, record.SubjectId, record.ConsentedScopes?.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        var outcome = await decision.DecideAsync(
            new SignInQuestion(http, requirements, user, session is null ? null : SignInAuthentication.Of(session), parkedState, HasPrimaryFactor: current?.HasPrimaryFactor),
            cancellationToken);

        switch (outcome)
        {
            case SignInOutcome.SignIn:
                return await InteractAsync(http, request, record, handle, null, SignInPath, cancellationToken);
            case SignInOutcome.AskConsent:
                return await InteractAsync(http, request, record, handle, session!.SubjectId, ConsentPath, cancellationToken);
            case SignInOutcome.AskFactor factor:
            {
                handle = await ParkOnceAsync(http, request, record, handle, session!.SubjectId, cancellationToken);
                return stepUp.StepUpUrl(handle, factor.Level) is { } url
                    ? TypedResults.Redirect(url)
                    : await InteractAsync(http, request, record, handle, null, SignInPath, cancellationToken);
            }
            case SignInOutcome.Enrol:
            {
                handle = await ParkOnceAsync(http, request, record, handle, session!.SubjectId, cancellationToken);
                return TypedResults.Redirect(SecondFactorFlow.Link(user!.WelcomeShown ? SecondFactorFlow.ChoosePath : SecondFactorFlow.WelcomePath, handle, null));
            }
            case SignInOutcome.Refuse refuse:
                if (record is not null)
                    await parked.ConsumeAsync(record, cancellationToken);
                return AuthorizeResponses.Error(destination, new ProtocolError(refuse.Error, refuse.Description), Issuer);
        }

        if (record is not null && !await parked.ConsumeAsync(record, cancellationToken))
            return AuthorizeResponses.ErrorPage(new ProtocolError(Errors.InvalidRequest, "This sign-in was already completed."));

        var code = Hashing.RandomToken(32);
        await grants.StoreCodeAsync(new AuthorizationCode
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
            DPoPJkt = request.DPoPJkt,
            CreatedAt = now,
            ExpiresAt = now + ClientProfiles.AuthorizationCodeLifetime(request.Client, options.Value.Tokens.AuthorizationCodeLifetime),
        }, cancellationToken);
        await sessions.AddClientAsync(session, request.Client.ClientId);
        Log.CodeIssued(logger, request.Client.ClientId, session.SubjectId);
        return AuthorizeResponses.Code(destination, code, Issuer);
    }

    /// <summary>Sends the browser to the UI with the request parked (once), bound to this browser.</summary>
    private async Task<IResult> InteractAsync(HttpContext http, AuthorizeRequest request, AuthorizationRequestRecord? record, string? handle, string? subjectId, string path, CancellationToken cancellationToken)
    {
        handle = await ParkOnceAsync(http, request, record, handle, subjectId, cancellationToken);
        var url = $"{path}?{RequestIdParameter}={Uri.EscapeDataString(handle)}";
        if (request.UiLocales.Count > 0)
            url += "&ui_locales=" + Uri.EscapeDataString(string.Join(' ', request.UiLocales));
        return TypedResults.Redirect(url);
    }

    private async Task<string> ParkOnceAsync(HttpContext http, AuthorizeRequest request, AuthorizationRequestRecord? record, string? handle, string? subjectId, CancellationToken cancellationToken) =>
        record is null ? (await parked.ParkAsync(http, request.Client.ClientId, request.Raw, subjectId, cancellationToken)).Handle : handle!;

    private static string RecordedErrorDescription(string error) => error switch
    {
        Errors.AccessDenied => "The user declined.",
        Errors.UnmetAuthenticationRequirements => "The user has no means of authentication that reaches the requested level.",
        _ => "The sign-in could not be completed.",
    };

    private static ErrorDestination Destination(AuthorizeRequest request) => new(request.RedirectUri, request.ResponseMode, request.State);
}

internal static partial class Log
{
    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "Authorization code issued to {ClientId} for {SubjectId}")]
    public static partial void CodeIssued(ILogger logger, string clientId, string subjectId);
}
