using System.Data.Common;
using Idp.Authentication;
using Idp.Data;
using Idp.Data.Entities;
using Idp.Factors;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Idp.Protocol.Token.Storage;

/// <summary>
/// SQLite: the writes go through the process's one grant writer, grouped with concurrent ones.
/// <paramref name="factors"/> is resolved only by a session read: building the factor kinds (and their user
/// manager and protectors) took 9 % of a refresh's CPU when the token endpoint never asked for them.
/// </summary>
internal sealed class SqliteGrantStore(IdpDbContext db, SqliteGrantWriter writer, SqliteGrantReaders readers, Func<FactorRegistry> factors) : IGrantStore, ISessionReads
{
    public Task<Redeemable<AuthorizationCode>?> FindCodeAsync(string id, CancellationToken cancellationToken) =>
        Task.FromResult(readers.FindCode(db, id));

    public Task<Redeemable<RefreshToken>?> FindRefreshTokenAsync(string id, CancellationToken cancellationToken) =>
        Task.FromResult(readers.FindRefreshToken(db, id));

    public Task<SessionRead?> FindAsync(string sessionId, string subjectId, CancellationToken cancellationToken) =>
        Task.FromResult(readers.FindSession(db, factors().PrimaryFactorSql(), sessionId, subjectId));

    public Task<IAsyncDisposable> HoldConnectionAsync(CancellationToken cancellationToken) => Task.FromResult<IAsyncDisposable>(NoLease.Instance);

    public Task StoreCodeAsync(AuthorizationCode code, CancellationToken cancellationToken) =>
        writer.WriteAsync(db, statements => statements.StoreCode(code));

    public Task<bool> RedeemCodeAsync(CodeRedemption redemption, CancellationToken cancellationToken) =>
        writer.WriteAsync(db, statements => statements.RedeemCode(redemption));

    public Task<bool> RotateRefreshTokenAsync(RefreshRotation rotation, CancellationToken cancellationToken) =>
        writer.WriteAsync(db, statements => statements.RotateRefreshToken(rotation));
}

/// <summary>
/// PostgreSQL: each write is one statement, the conditional update and the insert joined in a CTE, run by the
/// process's grant writer in a group with concurrent ones (<see cref="PostgresGrantWriter"/>); a refresh is one
/// statement with its lookup (<see cref="IRefreshTokenExchange"/>), as is a code's redemption (<see cref="ICodeExchange"/>).
/// The reads run on the request's connection, the session's in one statement (<see cref="ISessionReads"/>). Every
/// statement here is prepared explicitly: once per physical connection, after which the server neither parses nor
/// plans it. (Npgsql's automatic preparation did the same for every statement, but a request on a connection that a
/// PostgreSQL restart broke while a statement was being prepared failed with a NullReferenceException inside
/// Npgsql instead of its connection error.) <paramref name="factors"/> is resolved only by a session read, as SQLite's.
/// </summary>
internal sealed class PostgresGrantStore(IdpDbContext db, PostgresGrantWriter writer, Func<FactorRegistry> factors) : IGrantStore, ISessionReads, IRefreshTokenExchange, ICodeExchange
{
    private readonly GrantSql _sql = db.GrantSql();
    private readonly string _connectionString = db.Database.GetConnectionString()!;

    public Task<Redeemable<AuthorizationCode>?> FindCodeAsync(string id, CancellationToken cancellationToken) =>
        ReadAsync(_sql.SelectCodeWithUser, command => _sql.BindKey(command, id), _sql.ReadCodeWithUser, cancellationToken);

    public Task<Redeemable<RefreshToken>?> FindRefreshTokenAsync(string id, CancellationToken cancellationToken) =>
        ReadAsync(_sql.SelectRefreshTokenWithUser, command => _sql.BindKey(command, id), _sql.ReadRefreshTokenWithUser, cancellationToken);

    public Task<SessionRead?> FindAsync(string sessionId, string subjectId, CancellationToken cancellationToken)
    {
        var factorSql = factors().PrimaryFactorSql();
        return ReadAsync(_sql.SelectSessionWithUser(factorSql), command => _sql.BindSessionRead(command, factorSql, sessionId, subjectId), _sql.ReadSession, cancellationToken);
    }

    /// <summary>The writes have the writer's connections, and a grant reads once or twice at most: a lease would only hold a pooled connection idle.</summary>
    public Task<IAsyncDisposable> HoldConnectionAsync(CancellationToken cancellationToken) => Task.FromResult<IAsyncDisposable>(NoLease.Instance);

    public Task StoreCodeAsync(AuthorizationCode code, CancellationToken cancellationToken) =>
        writer.ExecuteAsync(_connectionString, _sql.InsertCode, command => _sql.BindCode(command, code));

    public async Task<bool> RedeemCodeAsync(CodeRedemption redemption, CancellationToken cancellationToken)
    {
        if (redemption.Refresh is not { } refresh)
            return await writer.ExecuteAsync(_connectionString, _sql.RedeemCode, command => _sql.BindRedemption(command, redemption)) > 0;
        return await writer.ExecuteAsync(_connectionString, _sql.RedeemCodeWithRefreshToken, command =>
        {
            _sql.BindRedemption(command, redemption);
            _sql.BindRefreshToken(command, refresh);
        }) > 0;
    }

    public async Task<bool> RotateRefreshTokenAsync(RefreshRotation rotation, CancellationToken cancellationToken) =>
        await writer.ExecuteAsync(_connectionString, _sql.RotateRefreshToken, command =>
        {
            _sql.BindRotation(command, rotation);
            _sql.BindRefreshToken(command, rotation.Next);
        }) > 0;

    public Task<Redeemable<RefreshToken>?> TryExchangeAsync(RefreshExchange exchange, CancellationToken cancellationToken) =>
        writer.QueryAsync(_connectionString, _sql.ExchangeRefreshToken, command => _sql.BindExchange(command, exchange), _sql.ReadRefreshTokenWithUser);

    public Task UndoAsync(RefreshExchange exchange, CancellationToken cancellationToken) =>
        writer.ExecuteAsync(_connectionString, _sql.UndoExchange, command => _sql.BindUndo(command, exchange));

    public Task<Redeemable<AuthorizationCode>?> TryExchangeAsync(CodeExchange exchange, CancellationToken cancellationToken) =>
        writer.QueryAsync(_connectionString, _sql.ExchangeCode, command => _sql.BindCodeExchange(command, exchange), _sql.ReadCodeWithUser);

    public Task UndoAsync(CodeExchange exchange, CancellationToken cancellationToken) =>
        writer.ExecuteAsync(_connectionString, _sql.UndoCodeExchange, command => _sql.BindCodeUndo(command, exchange));

    private async Task<T?> ReadAsync<T>(string text, Action<DbCommand> bind, Func<DbDataReader, T?> read, CancellationToken cancellationToken)
    {
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var command = db.Database.GetDbConnection().CreateCommand();
            command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
            PositionalParameters.Apply(command, text, bind);
            // Npgsql finds the statement already prepared on this physical connection (same text, same parameter types) without a round trip.
            await command.PrepareAsync(cancellationToken);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            return read(reader);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }
}

/// <summary>SQL Server (no engine to measure or test against here): EF Core's compiled lookups and its own statements in one transaction.</summary>
internal sealed class EfGrantStore(IdpDbContext db) : IGrantStore
{
    private IdpDbContext Db { get; } = db;

    public Task<Redeemable<AuthorizationCode>?> FindCodeAsync(string id, CancellationToken cancellationToken) => GrantQueries.CodeWithUser(Db, id, cancellationToken);

    public Task<Redeemable<RefreshToken>?> FindRefreshTokenAsync(string id, CancellationToken cancellationToken) => GrantQueries.RefreshWithUser(Db, id, cancellationToken);

    public async Task<IAsyncDisposable> HoldConnectionAsync(CancellationToken cancellationToken) => await Db.HoldConnectionAsync(cancellationToken);

    public async Task StoreCodeAsync(AuthorizationCode code, CancellationToken cancellationToken)
    {
        Db.AuthorizationCodes.Add(code);
        await Db.SaveChangesAsync(cancellationToken);
    }

    public async Task<bool> RedeemCodeAsync(CodeRedemption redemption, CancellationToken cancellationToken)
    {
        await using var transaction = await BeginAsync(cancellationToken);
        var redeemed = await Db.AuthorizationCodes
            .Where(c => c.Id == redemption.CodeId && c.RedeemedAt == null)
            .ExecuteUpdateAsync(c => c
                .SetProperty(x => x.RedeemedAt, redemption.RedeemedAt)
                .SetProperty(x => x.IssuedAccessTokenId, redemption.AccessTokenId)
                .SetProperty(x => x.IssuedRefreshTokenFamily, redemption.Refresh == null ? null : redemption.Refresh.FamilyId), cancellationToken);
        if (redeemed == 0)
            return false;
        if (redemption.Refresh is { } refresh)
        {
            Db.RefreshTokens.Add(refresh);
            await Db.SaveChangesAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    public async Task<bool> RotateRefreshTokenAsync(RefreshRotation rotation, CancellationToken cancellationToken)
    {
        await using var transaction = await BeginAsync(cancellationToken);
        var consumed = await Db.RefreshTokens
            .Where(t => t.Id == rotation.ConsumedId && t.ConsumedAt == null && t.RevokedAt == null)
            .ExecuteUpdateAsync(t => t.SetProperty(x => x.ConsumedAt, rotation.ConsumedAt), cancellationToken);
        if (consumed == 0)
            return false;
        Db.RefreshTokens.Add(rotation.Next);
        await Db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    // The insert is the transaction's last step: a savepoint before it (EF Core's default) would only cost two statements.
    private Task<IDbContextTransaction> BeginAsync(CancellationToken cancellationToken)
    {
        Db.Database.AutoSavepointsEnabled = false;
        return Db.Database.BeginTransactionAsync(cancellationToken);
    }
}

/// <summary>A lease of nothing: the store's statements have connections of their own.</summary>
internal sealed class NoLease : IAsyncDisposable
{
    public static readonly NoLease Instance = new();

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

internal static class GrantStoreRegistration
{
    /// <summary>The store for the context's provider; the writers are one per application.</summary>
    public static IServiceCollection AddGrantStore(this IServiceCollection services)
    {
        services.AddSingleton<SqliteGrantWriter>();
        services.AddSingleton<SqliteGrantReaders>();
        services.AddSingleton<PostgresGrantWriter>();
        services.AddScoped<IGrantStore>(provider => provider.GetRequiredService<IdpDbContext>() switch
        {
            SqliteIdpDbContext db => new SqliteGrantStore(db, provider.GetRequiredService<SqliteGrantWriter>(), provider.GetRequiredService<SqliteGrantReaders>(), provider.GetRequiredService<FactorRegistry>),
            PostgresIdpDbContext db => new PostgresGrantStore(db, provider.GetRequiredService<PostgresGrantWriter>(), provider.GetRequiredService<FactorRegistry>),
            var db => new EfGrantStore(db),
        });
        // The session's read in one statement where the store has one (it replaces the core's EF Core queries).
        services.AddScoped<ISessionReads>(provider => provider.GetRequiredService<IGrantStore>() as ISessionReads
            ?? new EfSessionReads(provider.GetRequiredService<IdpDbContext>()));
        return services;
    }
}
