using Idp.Data;
using Idp.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace Idp.Protocol.Token;

/// <summary>Revokes what a grant issued: a refresh-token family with its access tokens, or one access token.</summary>
public sealed class TokenRevoker(IdpDbContext db, TimeProvider clock)
{
    /// <summary>Access tokens live at most this long; a revoked one is remembered until it has expired anyway.</summary>
    private static readonly TimeSpan LongestAccessTokenLifetime = TimeSpan.FromDays(1);

    /// <summary>Revokes every refresh token of the family, and their access tokens; the subject's, as every family is one user's.</summary>
    public async Task RevokeFamilyAsync(string subjectId, string familyId, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var family = db.RefreshTokens.Where(t => t.SubjectId == subjectId && t.FamilyId == familyId);
        var accessTokens = await family.Where(t => t.AccessTokenId != null)
            .Select(t => t.AccessTokenId!).ToListAsync(cancellationToken);
        await family.Where(t => t.RevokedAt == null)
            .ExecuteUpdateAsync(t => t.SetProperty(x => x.RevokedAt, now), cancellationToken);
        foreach (var tokenId in accessTokens)
            await RevokeAccessTokenAsync(tokenId, now + LongestAccessTokenLifetime, cancellationToken);
    }

    public async Task RevokeAccessTokenAsync(string tokenId, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        if (await db.RevokedAccessTokens.AnyAsync(t => t.TokenId == tokenId, cancellationToken))
            return;
        db.RevokedAccessTokens.Add(new RevokedAccessToken { TokenId = tokenId, ExpiresAt = expiresAt });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Revoked at the same moment by another request: revoked either way.
            db.ChangeTracker.Clear();
        }
    }
}
