using System.Collections.Concurrent;
using System.Linq.Expressions;
using Idp.Authentication;
using Idp.Data;
using Microsoft.EntityFrameworkCore;

namespace Idp.Factors;

/// <summary>All second factors: lists a user's factors across kinds and the level they can reach.</summary>
public sealed class FactorRegistry(IEnumerable<ISecondFactor> factors, IdpDbContext db)
{
    private static readonly ConcurrentDictionary<string, Func<IdpDbContext, string, CancellationToken, Task<bool>>> HasAnyOfKinds = new();
    private static readonly ConcurrentDictionary<(Type Context, string Kinds), PrimaryFactorSql> SqlOfKinds = new();

    public IReadOnlyList<ISecondFactor> All { get; } = factors.OrderBy(f => f.IsFallback).ThenBy(f => f.Kind).ToList();

    // The real (non-fallback) kinds and their key in the static caches: asked on every authorization, so built once.
    private List<ISecondFactor> Primary => field ??= All.Where(f => !f.IsFallback).ToList();

    private string PrimaryKey => field ??= string.Join(',', Primary.Select(f => (int)f.Kind));

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

    /// <summary>
    /// Whether the user has any real (non-fallback) factor: one query over every kind, compiled once for the set of
    /// kinds (the sign-in decision asks this on most authorizations; building and looking up the query cost more than running it).
    /// </summary>
    public Task<bool> HasPrimaryAsync(string subjectId, CancellationToken cancellationToken = default)
    {
        var query = HasAnyOfKinds.GetOrAdd(PrimaryKey, static (_, kinds) => CompileHasAny(kinds), Primary);
        return query(db, subjectId, cancellationToken);
    }

    /// <summary>
    /// The query of <see cref="HasPrimaryAsync"/> as SQL, for a statement of the caller's own (the session's read):
    /// EF Core's translation for this context's provider, once per provider and set of kinds.
    /// </summary>
    public PrimaryFactorSql PrimaryFactorSql() =>
        SqlOfKinds.GetOrAdd((db.GetType(), PrimaryKey), static (_, state) => Translate(state.Db, state.Kinds), (Db: db, Kinds: Primary));

    /// <summary>
    /// Each kind's query applied to a placeholder id, joined, and translated without running it. The SQL names the
    /// user's id once per kind (EF Core makes the names unique); the header of the query string lists them.
    /// </summary>
    private static PrimaryFactorSql Translate(IdpDbContext db, IReadOnlyList<ISecondFactor> kinds)
    {
        if (kinds.Count == 0)
            return new PrimaryFactorSql("SELECT 1 WHERE 1 = 0", []);
        var union = kinds.Select(kind => kind.EnrolledBy.Compile()(db, "")).Aggregate(Queryable.Concat);
        // The query string starts with a line per parameter (PostgreSQL "-- @p='…'", SQLite ".param set @p '…'").
        var lines = union.ToQueryString().ReplaceLineEndings("\n").Split('\n');
        var header = lines.TakeWhile(line => line.StartsWith("-- @", StringComparison.Ordinal) || line.StartsWith(".param set @", StringComparison.Ordinal)).ToList();
        var parameters = header.Select(line => System.Text.RegularExpressions.Regex.Match(line, @"@\w+").Value).Distinct().ToList();
        var sql = string.Join('\n', lines.Skip(header.Count)).Trim();
        if (parameters.Count == 0)
            throw new InvalidOperationException($"EF Core's query string names no parameter for the user's id: {sql}");
        return new PrimaryFactorSql(sql, parameters);
    }

    /// <summary><c>(db, subject, _) =&gt; kind1(db, subject).Concat(kind2(db, subject))… .TagWith(PreparedQueries.Tag).Any()</c>, with each kind's query inlined.</summary>
    private static Func<IdpDbContext, string, CancellationToken, Task<bool>> CompileHasAny(IReadOnlyList<ISecondFactor> kinds)
    {
        var db = Expression.Parameter(typeof(IdpDbContext), "db");
        var subject = Expression.Parameter(typeof(string), "subjectId");
        var cancellation = Expression.Parameter(typeof(CancellationToken), "cancellationToken");
        var union = kinds
            .Select(kind => new ParameterSwap(kind.EnrolledBy.Parameters[0], db, kind.EnrolledBy.Parameters[1], subject).Visit(kind.EnrolledBy.Body))
            .Aggregate((left, right) => Expression.Call(typeof(Queryable), nameof(Queryable.Concat), [typeof(string)], left, right));
        var prepared = Expression.Call(typeof(EntityFrameworkQueryableExtensions), nameof(EntityFrameworkQueryableExtensions.TagWith), [typeof(string)], union, Expression.Constant(PreparedQueries.Tag));
        var any = Expression.Call(typeof(Queryable), nameof(Queryable.Any), [typeof(string)], prepared);
        return EF.CompileAsyncQuery(Expression.Lambda<Func<IdpDbContext, string, CancellationToken, bool>>(any, db, subject, cancellation));
    }

    private sealed class ParameterSwap(ParameterExpression db, ParameterExpression toDb, ParameterExpression subject, ParameterExpression toSubject) : ExpressionVisitor
    {
        protected override Expression VisitParameter(ParameterExpression node) =>
            node == db ? toDb : node == subject ? toSubject : base.VisitParameter(node);
    }

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

/// <summary>SQL that selects a row per real factor of the user whose id is bound to every one of <see cref="SubjectParameters"/>.</summary>
public sealed record PrimaryFactorSql(string Sql, IReadOnlyList<string> SubjectParameters);
