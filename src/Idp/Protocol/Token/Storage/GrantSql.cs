using System.Collections.Concurrent;
using System.Data.Common;
using System.Linq.Expressions;
using System.Reflection;
using Idp.Authentication;
using Idp.Data;
using Idp.Data.Entities;
using Idp.Factors;
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
    private readonly EntityColumns _users;
    private readonly EntityColumns _sessions;
    private readonly ConcurrentDictionary<string, string> _sessionSelects = new();

    public GrantSql(IModel model, ISqlGenerationHelper sql)
    {
        _codes = new EntityColumns(model.FindEntityType(typeof(AuthorizationCode))!, sql);
        _refreshTokens = new EntityColumns(model.FindEntityType(typeof(RefreshToken))!, sql);
        _users = new EntityColumns(model.FindEntityType(typeof(IdpUser))!, sql);
        _sessions = new EntityColumns(model.FindEntityType(typeof(UserSession))!, sql);
        SelectCodeWithUser = ByKeyWithUser(_codes, nameof(AuthorizationCode.Id), nameof(AuthorizationCode.SubjectId));
        SelectRefreshTokenWithUser = ByKeyWithUser(_refreshTokens, nameof(RefreshToken.Id), nameof(RefreshToken.SubjectId));
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
        ExchangeRefreshToken = Exchange();
        ExchangeCode = CodeExchange();
        var tokens = _refreshTokens;
        UndoCodeExchange =
            $"WITH undone AS (UPDATE {codes} SET {_codes[nameof(AuthorizationCode.RedeemedAt)]} = NULL, " +
            $"{_codes[nameof(AuthorizationCode.IssuedAccessTokenId)]} = NULL, {_codes[nameof(AuthorizationCode.IssuedRefreshTokenFamily)]} = NULL " +
            $"WHERE {_codes[nameof(AuthorizationCode.Id)]} = @id AND {_codes[nameof(AuthorizationCode.RedeemedAt)]} = @now " +
            $"AND {_codes[nameof(AuthorizationCode.IssuedAccessTokenId)]} = @access RETURNING 1) " +
            $"DELETE FROM {tokens.Table} WHERE {tokens[nameof(RefreshToken.Id)]} = @refresh";
        UndoExchange =
            $"WITH undone AS (UPDATE {tokens.Table} SET {tokens[nameof(RefreshToken.ConsumedAt)]} = NULL " +
            $"WHERE {tokens[nameof(RefreshToken.Id)]} = @id AND {tokens[nameof(RefreshToken.ConsumedAt)]} = @now RETURNING 1) " +
            $"DELETE FROM {tokens.Table} WHERE {tokens[nameof(RefreshToken.Id)]} = @successor";
    }

    /// <summary>PostgreSQL: see <see cref="IRefreshTokenExchange.TryExchangeAsync"/>; bound by <see cref="BindExchange"/>, read by <see cref="ReadRefreshTokenWithUser"/>.</summary>
    public string ExchangeRefreshToken { get; }

    /// <summary>PostgreSQL: see <see cref="IRefreshTokenExchange.UndoAsync"/>; bound by <see cref="BindUndo"/>.</summary>
    public string UndoExchange { get; }

    /// <summary>
    /// The conditional consumption with the exchange's conditions, the successor's insert from the consumed row
    /// (what <see cref="RefreshRotation.Successor"/> copies; its own id, creation time and access token), and the
    /// consumed row with its user, as <see cref="SelectRefreshTokenWithUser"/> reads them.
    /// </summary>
    private string Exchange()
    {
        var tokens = _refreshTokens;
        var own = new Dictionary<string, string>
        {
            [nameof(RefreshToken.Id)] = "@successor",
            [nameof(RefreshToken.CreatedAt)] = "@now",
            [nameof(RefreshToken.AccessTokenId)] = "@access",
            [nameof(RefreshToken.ConsumedAt)] = "NULL",
            [nameof(RefreshToken.RevokedAt)] = "NULL",
        };
        var successor = RefreshTokenValues(own, "consumed", tokens);
        var jkt = tokens[nameof(RefreshToken.DPoPJkt)];
        return
            $"WITH consumed AS ({ConsumeRefreshToken} AND {tokens[nameof(RefreshToken.ClientId)]} = @client " +
            $"AND {tokens[nameof(RefreshToken.ExpiresAt)]} > @now AND ({jkt} IS NULL OR {jkt} = @jkt) RETURNING *), " +
            $"successor AS ({tokens.InsertColumns} SELECT {successor} FROM consumed) " +
            WithUser(tokens, "consumed", nameof(RefreshToken.SubjectId));
    }

    /// <summary>PostgreSQL: see <see cref="ICodeExchange.TryExchangeAsync"/>; bound by <see cref="BindCodeExchange"/>, read by <see cref="ReadCodeWithUser"/>.</summary>
    public string ExchangeCode { get; }

    /// <summary>PostgreSQL: see <see cref="ICodeExchange.UndoAsync"/>; bound by <see cref="BindCodeUndo"/>.</summary>
    public string UndoCodeExchange { get; }

    /// <summary>
    /// The redemption (<see cref="RedeemCode"/>) with the code's conditions, the refresh token's insert (what
    /// <see cref="CodeRefreshTokens.For"/> builds: the code's grant, the exchange's keys), and the code with its user.
    /// </summary>
    private string CodeExchange()
    {
        var (codes, tokens) = (_codes, _refreshTokens);
        var own = new Dictionary<string, string>
        {
            [nameof(RefreshToken.Id)] = "@refresh",
            [nameof(RefreshToken.FamilyId)] = "@family",
            [nameof(RefreshToken.CreatedAt)] = "@now",
            [nameof(RefreshToken.ExpiresAt)] = "@refresh_expires",
            [nameof(RefreshToken.AccessTokenId)] = "@access",
            [nameof(RefreshToken.DPoPJkt)] = "@refresh_jkt",
            [nameof(RefreshToken.ConsumedAt)] = "NULL",
            [nameof(RefreshToken.RevokedAt)] = "NULL",
        };
        // Every other column is the code's column of the same name (a property the code lacks fails here, at start-up).
        var refresh = RefreshTokenValues(own, "redeemed", codes);
        var (redirect, challenge, jkt) = (codes[nameof(AuthorizationCode.RedirectUri)], codes[nameof(AuthorizationCode.CodeChallenge)], codes[nameof(AuthorizationCode.DPoPJkt)]);
        return
            $"WITH redeemed AS ({RedeemCode} AND {codes[nameof(AuthorizationCode.ClientId)]} = @client " +
            $"AND {codes[nameof(AuthorizationCode.ExpiresAt)]} > @now AND ({redirect} = '' OR {redirect} = @redirect) " +
            $"AND (({challenge} IS NULL AND NOT @verifier_sent) OR {challenge} = @challenge) " +
            $"AND ({jkt} IS NULL OR {jkt} = @jkt) RETURNING *), " +
            $"refresh AS ({tokens.InsertColumns} SELECT {refresh} FROM redeemed) " +
            WithUser(codes, "redeemed", nameof(AuthorizationCode.SubjectId));
    }

    public void BindCodeExchange(DbCommand command, CodeExchange exchange)
    {
        BindCodeUndo(command, exchange);
        _codes.BindValue(command, "@family", nameof(AuthorizationCode.IssuedRefreshTokenFamily), exchange.Refresh.FamilyId);
        _codes.BindValue(command, "@client", nameof(AuthorizationCode.ClientId), exchange.ClientId);
        _codes.BindValue(command, "@redirect", nameof(AuthorizationCode.RedirectUri), exchange.RedirectUri);
        _codes.BindValue(command, "@challenge", nameof(AuthorizationCode.CodeChallenge), exchange.VerifierChallenge);
        _codes.BindValue(command, "@jkt", nameof(AuthorizationCode.DPoPJkt), exchange.DPoPJkt);
        var sent = command.CreateParameter();
        (sent.ParameterName, sent.DbType, sent.Value) = ("@verifier_sent", System.Data.DbType.Boolean, exchange.VerifierSent);
        command.Parameters.Add(sent);
        _refreshTokens.BindValue(command, "@refresh_expires", nameof(RefreshToken.ExpiresAt), exchange.Refresh.ExpiresAt);
        _refreshTokens.BindValue(command, "@refresh_jkt", nameof(RefreshToken.DPoPJkt), exchange.Refresh.DPoPJkt);
    }

    public void BindCodeUndo(DbCommand command, CodeExchange exchange)
    {
        _codes.BindValue(command, "@id", nameof(AuthorizationCode.Id), exchange.Id);
        _codes.BindValue(command, "@now", nameof(AuthorizationCode.RedeemedAt), exchange.Now);
        _codes.BindValue(command, "@access", nameof(AuthorizationCode.IssuedAccessTokenId), exchange.AccessTokenId);
        _refreshTokens.BindValue(command, "@refresh", nameof(RefreshToken.Id), exchange.Refresh.Id);
    }

    public void BindExchange(DbCommand command, RefreshExchange exchange)
    {
        BindUndo(command, exchange);
        _refreshTokens.BindValue(command, "@client", nameof(RefreshToken.ClientId), exchange.ClientId);
        _refreshTokens.BindValue(command, "@jkt", nameof(RefreshToken.DPoPJkt), exchange.DPoPJkt);
        _refreshTokens.BindValue(command, "@access", nameof(RefreshToken.AccessTokenId), exchange.AccessTokenId);
    }

    public void BindUndo(DbCommand command, RefreshExchange exchange)
    {
        _refreshTokens.BindValue(command, "@id", nameof(RefreshToken.Id), exchange.Id);
        _refreshTokens.BindValue(command, "@now", nameof(RefreshToken.ConsumedAt), exchange.Now);
        _refreshTokens.BindValue(command, "@successor", nameof(RefreshToken.Id), exchange.SuccessorId);
    }

    public string InsertCode { get; }
    public string InsertRefreshToken { get; }

    /// <summary>Parameters <c>@id</c>, <c>@now</c>, <c>@access</c>, <c>@family</c>: see <see cref="BindRedemption"/>.</summary>
    public string RedeemCode { get; }

    /// <summary>Parameters <c>@id</c>, <c>@now</c>: see <see cref="BindRotation"/>.</summary>
    public string ConsumeRefreshToken { get; }

    /// <summary>A code and its user by the code's key (<c>@id</c>), as <see cref="ReadCodeWithUser"/> reads them.</summary>
    public string SelectCodeWithUser { get; }

    /// <summary>A refresh token and its user by the token's key (<c>@id</c>), as <see cref="ReadRefreshTokenWithUser"/> reads them.</summary>
    public string SelectRefreshTokenWithUser { get; }

    /// <summary>
    /// A session with its user and whether the user has a real factor (<paramref name="factors"/>, as EXISTS), by the
    /// session's key: one statement for what every authorization with a session reads. Bound by
    /// <see cref="BindSessionRead"/>, read by <see cref="ReadSession"/>.
    /// </summary>
    public string SelectSessionWithUser(PrimaryFactorSql factors) => _sessionSelects.GetOrAdd(factors.Sql, static (factorSql, sql) =>
        $"SELECT {sql._sessions.SelectList("idp_session")}, {sql._users.SelectList("idp_user")}, EXISTS ({factorSql}) " +
        $"FROM {sql._sessions.Table} AS idp_session LEFT JOIN {sql._users.Table} AS idp_user " +
        $"ON idp_user.{sql._users[nameof(IdpUser.Id)]} = idp_session.{sql._sessions[nameof(UserSession.SubjectId)]} " +
        $"WHERE idp_session.{sql._sessions[nameof(UserSession.Id)]} = @idp_session", this);

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

    private string ByKeyWithUser(EntityColumns grant, string key, string subject) =>
        $"{WithUser(grant, grant.Table, subject)} WHERE g.{grant[key]} = @id";

    /// <summary>The rows of <paramref name="from"/> (a table or a CTE with <paramref name="grant"/>'s columns) with their user.</summary>
    private string WithUser(EntityColumns grant, string from, string subject) =>
        $"SELECT {grant.SelectList("g")}, {_users.SelectList("u")} FROM {from} AS g " +
        $"LEFT JOIN {_users.Table} AS u ON u.{_users[nameof(IdpUser.Id)]} = g.{grant[subject]}";

    /// <summary>A refresh token's insert values: <paramref name="own"/> where given, else the column of the same name of <paramref name="source"/> as <paramref name="alias"/>.</summary>
    private string RefreshTokenValues(Dictionary<string, string> own, string alias, EntityColumns source) =>
        string.Join(", ", _refreshTokens.PropertyNames.Select(p => own.GetValueOrDefault(p) ?? $"{alias}.{source[p]}"));

    public void BindKey(DbCommand command, string id) => _codes.BindValue(command, "@id", nameof(AuthorizationCode.Id), id);

    /// <summary>The session's key, and the cookie's subject for "has a factor": a session of another user is refused anyway.</summary>
    public void BindSessionRead(DbCommand command, PrimaryFactorSql factors, string sessionId, string subjectId)
    {
        _sessions.BindValue(command, "@idp_session", nameof(UserSession.Id), sessionId);
        foreach (var parameter in factors.SubjectParameters)
            _users.BindValue(command, parameter, nameof(IdpUser.Id), subjectId);
    }

    public SessionRead? ReadSession(DbDataReader reader)
    {
        if (!reader.Read())
            return null;
        var session = _sessions.Read<UserSession>(reader, 0);
        var user = reader.IsDBNull(_sessions.Count) ? null : _users.Read<IdpUser>(reader, _sessions.Count);
        return new SessionRead(session, user, reader.GetBoolean(_sessions.Count + _users.Count));
    }

    public Redeemable<AuthorizationCode>? ReadCodeWithUser(DbDataReader reader) => ReadWithUser<AuthorizationCode>(reader, _codes);

    public Redeemable<RefreshToken>? ReadRefreshTokenWithUser(DbDataReader reader) => ReadWithUser<RefreshToken>(reader, _refreshTokens);

    private Redeemable<T>? ReadWithUser<T>(DbDataReader reader, EntityColumns grant) where T : class, new()
    {
        if (!reader.Read())
            return null;
        var user = reader.IsDBNull(grant.Count) ? null : _users.Read<IdpUser>(reader, grant.Count);
        return new Redeemable<T>(grant.Read<T>(reader, 0), user);
    }

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
        private static readonly MethodInfo GetFieldValue = typeof(EntityColumns).GetMethod(nameof(FieldValue), BindingFlags.NonPublic | BindingFlags.Static)!;
        private readonly IProperty[] _properties;
        private readonly Func<DbDataReader, int, object?>[] _readers;
        private readonly Action<object, object?>[] _setters;
        private readonly Dictionary<string, (string Column, RelationalTypeMapping Mapping, bool Nullable)> _byName;

        public EntityColumns(IEntityType entity, ISqlGenerationHelper sql)
        {
            var table = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
            Table = sql.DelimitIdentifier(table.Name, table.Schema);
            _properties = [.. entity.GetProperties().Where(p => !p.IsShadowProperty())];
            _readers = [.. _properties.Select(ReaderOf)];
            _setters = [.. _properties.Select(SetterOf)];
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

        public int Count => _properties.Length;

        public IEnumerable<string> PropertyNames => _properties.Select(p => p.Name);

        public string SelectList(string alias) => string.Join(", ", _properties.Select(p => $"{alias}.{_byName[p.Name].Column}"));

        /// <summary>Materializes the entity from the columns at <paramref name="offset"/> in <see cref="SelectList"/>'s order, converting as the model does.</summary>
        public T Read<T>(DbDataReader reader, int offset) where T : new()
        {
            var entity = new T();
            for (var i = 0; i < _properties.Length; i++)
            {
                var value = reader.IsDBNull(offset + i) ? null : _readers[i](reader, offset + i);
                _setters[i](entity, value);
            }
            return entity;
        }

        private static Func<DbDataReader, int, object?> ReaderOf(IProperty property)
        {
            var mapping = (RelationalTypeMapping)property.GetRelationalTypeMapping();
            var providerType = mapping.Converter?.ProviderClrType ?? property.ClrType;
            var read = GetFieldValue.MakeGenericMethod(Nullable.GetUnderlyingType(providerType) ?? providerType)
                .CreateDelegate<Func<DbDataReader, int, object?>>();
            return mapping.Converter is { } converter ? (reader, i) => converter.ConvertFromProvider(read(reader, i)) : read;
        }

        private static Action<object, object?> SetterOf(IProperty property)
        {
            var entity = Expression.Parameter(typeof(object));
            var value = Expression.Parameter(typeof(object));
            var typed = Expression.Convert(entity, property.DeclaringType.ClrType);
            Expression member = property.PropertyInfo is { SetMethod: not null } writable
                ? Expression.Property(typed, writable)
                : Expression.Field(typed, property.FieldInfo!);
            return Expression.Lambda<Action<object, object?>>(Expression.Assign(member, Expression.Convert(value, property.ClrType)), entity, value).Compile();
        }

        private static object? FieldValue<TValue>(DbDataReader reader, int ordinal) => reader.GetFieldValue<TValue>(ordinal);

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
