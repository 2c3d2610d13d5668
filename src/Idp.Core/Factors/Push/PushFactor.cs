using System.Linq.Expressions;
using Idp.Authentication;
using Idp.Data;
using Microsoft.EntityFrameworkCore;

namespace Idp.Factors.Push;

/// <summary>
/// Push approval with the companion authenticator as a second factor: the device proves its key (<c>hwk</c>);
/// it reaches the second-factor level, not the phishing-resistant one (the user approves what a browser shows).
/// </summary>
public sealed class PushFactor(IdpDbContext db, PushDeviceCredentials credentials) : ISecondFactor
{
    public const string ChallengePage = "/signin/push";
    public const string EnrolPage = "/enrol/push";

    public FactorKind Kind => FactorKind.Push;
    public AuthenticationLevel Level => AuthenticationLevel.SecondFactor;
    public IReadOnlyList<string> Amr { get; } = [AuthenticationMethods.HardwareKey];
    public bool IsFallback => false;
    public string ChallengePath => ChallengePage;
    public string? EnrolPath => EnrolPage;

    public async Task<IReadOnlyList<FactorInfo>> ListAsync(string subjectId, CancellationToken cancellationToken = default) =>
        await db.PushCredentials.AsNoTracking()
            .Where(c => c.SubjectId == subjectId)
            .Select(c => new FactorInfo(c.Id, FactorKind.Push, c.DeviceName, c.CreatedAt, c.LastUsedAt, false, null))
            .ToListAsync(cancellationToken);

    public Expression<Func<IdpDbContext, string, IQueryable<string>>> EnrolledBy => Enrolled;

    private static readonly Expression<Func<IdpDbContext, string, IQueryable<string>>> Enrolled = (db, subjectId) =>
        db.PushCredentials.Where(c => c.SubjectId == subjectId).Select(c => c.SubjectId);

    public Task<bool> RemoveAsync(string subjectId, string factorId, CancellationToken cancellationToken = default) =>
        credentials.RemoveCredentialAsync(null, subjectId, factorId, cancellationToken);

    public Task<int> RemoveAllAsync(string subjectId, CancellationToken cancellationToken = default) =>
        credentials.RemoveAllAsync(subjectId, cancellationToken);

    public async Task<bool> RenameAsync(string subjectId, string factorId, string name, CancellationToken cancellationToken = default)
    {
        var trimmed = name.Trim();
        if (trimmed.Length is 0 or > 100)
            return false;
        return await db.PushCredentials.Where(c => c.Id == factorId && c.SubjectId == subjectId)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.DeviceName, trimmed), cancellationToken) > 0;
    }
}
