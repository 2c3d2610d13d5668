using System.Collections.Concurrent;
using System.Data.Common;
using Idp.Data;
using Idp.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;

namespace Idp.Protocol.Token.Storage;

/// <summary>
/// The grant writes as SQL, with table and column names, quoting and value conversions taken from the EF Core
/// model of the context's provider, so they follow the model and its migrations instead of restating them.
/// Built once per provider: EF Core's per-statement work (change tracking, query translation, the update
/// pipeline) was most of a grant's time inside the database's one-writer turn.
/// </summary>
internal sealed class GrantSql
{
    private readonly EntityColumns _codes;
    private readonly EntityColumns _refreshTokens;

    public GrantSql(IModel model, ISqlGenerationHelper sql)
    {
        _codes = new EntityColumns(model.FindEntityType(typeof(AuthorizationCode))!, sql);
        _refreshTokens = new EntityColumns(model.FindEntityType(typeof(RefreshToken))!, sql);
        var codes = _codes.Table;
        RedeemCode =
            $"UPDATE {codes} SET {_codes[nameof(AuthorizationCode.RedeemedAt)]} = @now, " +
            $"{_codes[nameof(AuthorizationCode.IssuedAccessTokenId)]} = @access, " +
            $"{_codes[nameof(AuthorizationCode.IssuedRefreshTokenFamily)]} = @family " +
            $"WHERE {_codes[nameof(AuthorizationCode.Id)]} = @id AND {_codes[nameof(AuthorizationCode.RedeemedAt)]} IS NULL";
        ConsumeRefreshToken =
            $"UPDATE {_refreshTokens.Table} SET {_refreshTokens[nameof(RefreshToken.ConsumedAt)]} = @now " +
            $"WHERE {_refreshTokens[nameof(RefreshToken.Id)]} = @id AND {_refreshTokens[nameof(RefreshToken.ConsumedAt)]} IS NULL " +
            $"AND {_refreshTokens[nameof(RefreshToken.RevokedAt)]} IS NULL";
        InsertCode = _codes.Insert;
        InsertRefreshToken = _refreshTokens.Insert;
        RedeemCodeWithRefreshToken = UpdateThenInsert(RedeemCode, _refreshTokens);
        RotateRefreshToken = UpdateThenInsert(ConsumeRefreshToken, _refreshTokens);
    }

    public string InsertCode { get; }
    public string InsertRefreshToken { get; }

    /// <summary>Parameters <c>@id</c>, <c>@now</c>, <c>@access</c>, <c>@family</c>: see <see cref="BindRedemption"/>.</summary>
    public string RedeemCode { get; }

    /// <summary>Parameters <c>@id</c>, <c>@now</c>: see <see cref="BindRotation"/>.</summary>
    public string ConsumeRefreshToken { get; }

    /// <summary>PostgreSQL: <see cref="RedeemCode"/> and the refresh token's insert as one statement (<see cref="UpdateThenInsert"/>).</summary>
    public string RedeemCodeWithRefreshToken { get; }

    /// <summary>PostgreSQL: <see cref="ConsumeRefreshToken"/> and the successor's insert as one statement (<see cref="UpdateThenInsert"/>).</summary>
    public string RotateRefreshToken { get; }

    /// <summary>
    /// The conditional update and the insert as one statement (PostgreSQL), so the pair is atomic without a
    /// transaction of its own: the inserted row exists only if the update changed one.
    /// </summary>
    private static string UpdateThenInsert(string update, EntityColumns insert) =>
        $"WITH changed AS ({update} RETURNING 1) {insert.InsertColumns} SELECT {insert.InsertValues} FROM changed";

    public void BindCode(DbCommand command, AuthorizationCode code) => _codes.Bind(command, code);

    public void BindRefreshToken(DbCommand command, RefreshToken token) => _refreshTokens.Bind(command, token);

    public void BindRedemption(DbCommand command, CodeRedemption redemption)
    {
        _codes.BindValue(command, "@id", nameof(AuthorizationCode.Id), redemption.CodeId);
        _codes.BindValue(command, "@now", nameof(AuthorizationCode.RedeemedAt), redemption.RedeemedAt);
        _codes.BindValue(command, "@access", nameof(AuthorizationCode.IssuedAccessTokenId), redemption.AccessTokenId);
        _codes.BindValue(command, "@family", nameof(AuthorizationCode.IssuedRefreshTokenFamily), redemption.Refresh?.FamilyId);
    }

    public void BindRotation(DbCommand command, RefreshRotation rotation)
    {
        _refreshTokens.BindValue(command, "@id", nameof(RefreshToken.Id), rotation.ConsumedId);
        _refreshTokens.BindValue(command, "@now", nameof(RefreshToken.ConsumedAt), rotation.ConsumedAt);
    }

    /// <summary>An entity type's table, its columns by property name, and an INSERT of every property as <c>@c0 … @cN</c>.</summary>
    private sealed class EntityColumns
    {
        private readonly IProperty[] _properties;
        private readonly Dictionary<string, (string Column, RelationalTypeMapping Mapping, bool Nullable)> _byName;

        public EntityColumns(IEntityType entity, ISqlGenerationHelper sql)
        {
            var table = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
            Table = sql.DelimitIdentifier(table.Name, table.Schema);
            _properties = [.. entity.GetProperties()];
            _byName = _properties.ToDictionary(
                p => p.Name,
                p => (sql.DelimitIdentifier(p.GetColumnName(table)!), (RelationalTypeMapping)p.GetRelationalTypeMapping(), p.IsNullable));
            InsertColumns = $"INSERT INTO {Table} ({string.Join(", ", _properties.Select(p => _byName[p.Name].Column))})";
            InsertValues = string.Join(", ", _properties.Select((_, i) => $"@c{i}"));
            Insert = $"{InsertColumns} VALUES ({InsertValues})";
        }

        public string Table { get; }
        public string InsertColumns { get; }
        public string InsertValues { get; }
        public string Insert { get; }

        public string this[string property] => _byName[property].Column;

        public void Bind(DbCommand command, object entity)
        {
            for (var i = 0; i < _properties.Length; i++)
            {
                var property = _properties[i];
                BindValue(command, $"@c{i}", property.Name, property.GetGetter().GetClrValueUsingContainingEntity(entity));
            }
        }

        /// <summary>Converts the value as the model does (SQLite stores instants as UTC ticks) and types the parameter for the provider.</summary>
        public void BindValue(DbCommand command, string name, string property, object? value)
        {
            var (_, mapping, nullable) = _byName[property];
            command.Parameters.Add(mapping.CreateParameter(command, name, value, nullable || value is null));
        }
    }
}

internal static class GrantSqlOfContext
{
    private static readonly ConcurrentDictionary<Type, GrantSql> ByContext = new();

    /// <summary>One <see cref="GrantSql"/> per context type (the model is per provider).</summary>
    public static GrantSql GrantSql(this IdpDbContext db) =>
        ByContext.GetOrAdd(db.GetType(), static (_, db) => new GrantSql(db.Model, db.GetService<ISqlGenerationHelper>()), db);
}
