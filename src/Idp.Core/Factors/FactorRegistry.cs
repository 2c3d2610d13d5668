using Microsoft.EntityFrameworkCore;
using Idp.Authentication;

namespace Idp.Factors;

/// <summary>All second factors: lists a user's factors across kinds and the level they can reach.</summary>
public sealed class FactorRegistry(IEnumerable<ISecondFactor> factors)
{
    public IReadOnlyList<ISecondFactor> All { get; } = factors.OrderBy(f => f.IsFallback).ThenBy(f => f.Kind).ToList();

    public ISecondFactor? Get(FactorKind kind) => All.FirstOrDefault(f => f.Kind == kind);

    /// <summary>Factors the user can enrol by themselves (an enrolment page).</summary>
    public IEnumerable<ISecondFactor> Enrollable => All.Where(f => f.EnrolPath is not null);

    /// <summary>Every factor of the user, fallbacks included, most recently used first.</summary>
    public Task<IReadOnlyList<FactorInfo>> ListAsync(string subjectId, CancellationToken cancellationToken = default) =>
        ListOfAsync(All, subjectId, cancellationToken);

    /// <summary>The user's real (non-fallback) factors; the fallbacks are not even read (the sign-in decision asks this often).</summary>
    public Task<IReadOnlyList<FactorInfo>> ListPrimaryAsync(string subjectId, CancellationToken cancellationToken = default) =>
        ListOfAsync(All.Where(f => !f.IsFallback), subjectId, cancellationToken);

    private static async Task<IReadOnlyList<FactorInfo>> ListOfAsync(IEnumerable<ISecondFactor> kinds, string subjectId, CancellationToken cancellationToken)
    {
        var result = new List<FactorInfo>();
        foreach (var factor in kinds)
            result.AddRange(await factor.ListAsync(subjectId, cancellationToken));
        return result.OrderByDescending(f => f.LastUsedAt ?? f.CreatedAt).ToList();
    }

    /// <summary>Whether the user has any real (non-fallback) factor: one query over every kind.</summary>
    public async Task<bool> HasPrimaryAsync(string subjectId, CancellationToken cancellationToken = default) =>
        await All.Where(f => !f.IsFallback).Select(f => f.EnrolledBy(subjectId)).Aggregate(Queryable.Concat).AnyAsync(cancellationToken);

    /// <summary>The highest level the user's factors reach: a fallback alone reaches nothing beyond the password.</summary>
    public async Task<AuthenticationLevel> ReachableLevelAsync(string subjectId, CancellationToken cancellationToken = default) =>
        ReachableLevel(await ListPrimaryAsync(subjectId, cancellationToken));

    /// <summary>The highest level the usable (unlocked) factors of <paramref name="enrolled"/> reach.</summary>
    public AuthenticationLevel ReachableLevel(IEnumerable<FactorInfo> enrolled)
    {
        var level = AuthenticationLevel.Password;
        foreach (var info in enrolled)
        {
            if (!info.Locked && Get(info.Kind) is { IsFallback: false } && LevelOf(info) > level)
                level = LevelOf(info);
        }
        return level;
    }

    /// <summary>The level one enrolled factor reaches: its kind's, or less when the factor says so (<see cref="FactorInfo.Level"/>).</summary>
    public AuthenticationLevel LevelOf(FactorInfo info)
    {
        var kind = Get(info.Kind)?.Level ?? AuthenticationLevel.Password;
        return info.Level is { } own && own < kind ? own : kind;
    }

    /// <summary>Removes all second factors of the user (helpdesk reset).</summary>
    public async Task<int> RemoveAllAsync(string subjectId, CancellationToken cancellationToken = default)
    {
        var removed = 0;
        foreach (var factor in All)
            removed += await factor.RemoveAllAsync(subjectId, cancellationToken);
        return removed;
    }
}
