using Idp.Authentication;
using Idp.Configuration;
using Idp.Data;
using Idp.Data.Entities;
using Idp.Protocol.Clients;
using Idp.Protocol.Tokens;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Idp.Protocol.Authorize;

/// <summary>
/// The UI's view of parked requests. Every method works only for the browser that parked the request (its
/// interaction cookie, read from the current HTTP request); for any other browser the request does not exist.
/// </summary>
public sealed class AuthorizationInteraction(
    ParkedRequests parked,
    IClientStore clients,
    IdpDbContext db,
    IHttpContextAccessor httpContextAccessor,
    TimeProvider clock,
    IOptions<IdpOptions> options) : IAuthorizationInteraction
{
    public async Task<AuthorizationContext?> GetContextAsync(string? requestId, CancellationToken cancellationToken = default)
    {
        var record = await FindAsync(requestId, cancellationToken);
        if (record is null)
            return null;
        var client = await clients.FindAsync(record.ClientId, cancellationToken);
        if (client is null)
            return null;
        var parameters = ParkedRequests.ReadParameters(record);
        var prompt = Split(parameters[Parameters.Prompt]);
        ClaimsRequest.TryParse(parameters[Parameters.Claims], out var claimsRequest);
        var essentialAcr = claimsRequest.EssentialAcr;
        var scopes = Split(parameters[Parameters.Scope]);
        var acrValues = Split(parameters[Parameters.AcrValues]);
        int? maxAge = int.TryParse(parameters[Parameters.MaxAge], out var seconds) && seconds >= 0 ? seconds : null;
        return new AuthorizationContext(
            requestId!,
            client.ClientId,
            client.DisplayName,
            client.IsThirdParty,
            scopes,
            parameters[Parameters.LoginHint],
            Split(parameters[Parameters.UiLocales]),
            acrValues,
            prompt.Contains(PromptValues.Login),
            prompt.Contains(PromptValues.Consent))
        {
            EssentialAcrValues = essentialAcr,
            Requirements = SignInRequirements.For(client, options.Value.Mfa, scopes, acrValues, essentialAcr, maxAge, prompt),
            Parked = new ParkedInteraction(record.CreatedAt, record.SubjectId, record.ConsentedScopes?.Split(' ', StringSplitOptions.RemoveEmptyEntries)),
        };
    }

    public string ResumeUrl(string requestId) => $"{EndpointPaths.AuthorizeResume}?{AuthorizeEndpoint.RequestIdParameter}={Uri.EscapeDataString(requestId)}";

    public async Task BindSubjectAsync(string requestId, string subjectId, CancellationToken cancellationToken = default)
    {
        var record = await FindAsync(requestId, cancellationToken);
        if (record is null || record.SubjectId == subjectId)
            return;
        // Another user proved their password in this browser: what was answered for the previous one is void.
        record.SubjectId = subjectId;
        record.ConsentedScopes = null;
        record.Error = null;
        await db.SaveChangesAsync(cancellationToken);
    }

    public async Task GrantConsentAsync(string requestId, string subjectId, IReadOnlyCollection<string> scopes, bool remember, CancellationToken cancellationToken = default)
    {
        var record = await FindAsync(requestId, cancellationToken)
            ?? throw new InvalidOperationException("The authorization request has expired.");
        // Consent is the answer of the user the request is bound to; resuming as anyone else signs in anew.
        if (record.SubjectId is not null && record.SubjectId != subjectId)
            return;
        record.SubjectId = subjectId;
        record.ConsentedScopes = string.Join(' ', scopes);
        if (remember)
        {
            var consent = await db.Consents.FirstOrDefaultAsync(c => c.SubjectId == subjectId && c.ClientId == record.ClientId, cancellationToken);
            if (consent is null)
                db.Consents.Add(new Consent { SubjectId = subjectId, ClientId = record.ClientId, Scopes = [.. scopes], GrantedAt = clock.GetUtcNow() });
            else
            {
                consent.Scopes = consent.Scopes.Union(scopes).ToList();
                consent.GrantedAt = clock.GetUtcNow();
            }
        }
        await db.SaveChangesAsync(cancellationToken);
    }

    public Task DenyAsync(string requestId, CancellationToken cancellationToken = default) =>
        RefuseAsync(requestId, Errors.AccessDenied, cancellationToken);

    public async Task RefuseAsync(string requestId, string error, CancellationToken cancellationToken = default)
    {
        var record = await FindAsync(requestId, cancellationToken);
        if (record is null)
            return;
        record.Error = error;
        await db.SaveChangesAsync(cancellationToken);
    }

    private Task<AuthorizationRequestRecord?> FindAsync(string? requestId, CancellationToken cancellationToken) =>
        parked.FindInteractionAsync(requestId, httpContextAccessor.HttpContext, cancellationToken);

    private static List<string> Split(string? value) => (value ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries).ToList();
}
