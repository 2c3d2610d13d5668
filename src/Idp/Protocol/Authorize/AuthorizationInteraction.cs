using Idp.Authentication;
using Idp.Data;
using Idp.Data.Entities;
using Idp.Protocol.Clients;
using Microsoft.EntityFrameworkCore;

namespace Idp.Protocol.Authorize;

public sealed class AuthorizationInteraction(ParkedRequests parked, IClientStore clients, IdpDbContext db, TimeProvider clock) : IAuthorizationInteraction
{
    public async Task<AuthorizationContext?> GetContextAsync(string? requestId, CancellationToken cancellationToken = default)
    {
        var record = await parked.FindAsync(requestId, AuthorizationRequestKind.Interaction, cancellationToken);
        if (record is null)
            return null;
        var client = await clients.FindAsync(record.ClientId, cancellationToken);
        if (client is null)
            return null;
        var parameters = ParkedRequests.ReadParameters(record);
        var prompt = Split(parameters[Parameters.Prompt]);
        var essentialAcr = new List<string>();
        if (parameters[Parameters.Claims] is { Length: > 0 } claims)
            AuthorizeRequestValidator.TryReadEssentialAcr(claims, essentialAcr);
        return new AuthorizationContext(
            requestId!,
            client.ClientId,
            client.DisplayName,
            client.IsThirdParty,
            Split(parameters[Parameters.Scope]),
            parameters[Parameters.LoginHint],
            Split(parameters[Parameters.UiLocales]),
            Split(parameters[Parameters.AcrValues]),
            prompt.Contains(PromptValues.Login),
            prompt.Contains(PromptValues.Consent))
        {
            EssentialAcrValues = essentialAcr,
        };
    }

    public string ResumeUrl(string requestId) => $"{EndpointPaths.AuthorizeResume}?{AuthorizeEndpoint.RequestIdParameter}={Uri.EscapeDataString(requestId)}";

    public async Task GrantConsentAsync(string requestId, string subjectId, IReadOnlyCollection<string> scopes, bool remember, CancellationToken cancellationToken = default)
    {
        var record = await parked.FindAsync(requestId, AuthorizationRequestKind.Interaction, cancellationToken)
            ?? throw new InvalidOperationException("The authorization request has expired.");
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

    public async Task DenyAsync(string requestId, CancellationToken cancellationToken = default)
    {
        var record = await parked.FindAsync(requestId, AuthorizationRequestKind.Interaction, cancellationToken);
        if (record is null)
            return;
        record.Error = Errors.AccessDenied;
        await db.SaveChangesAsync(cancellationToken);
    }

    private static List<string> Split(string? value) => (value ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries).ToList();
}
