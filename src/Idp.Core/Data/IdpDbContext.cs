using Idp.Data.Entities;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;

namespace Idp.Data;

/// <summary>
/// The one database of Idp. The model is provider-neutral; <see cref="SqliteIdpDbContext"/>,
/// <see cref="PostgresIdpDbContext"/> and <see cref="SqlServerIdpDbContext"/> exist only so each provider has its own
/// migrations.
/// </summary>
public abstract class IdpDbContext(DbContextOptions options) : IdentityDbContext<IdpUser>(options)
{
    public DbSet<Client> Clients => Set<Client>();
    public DbSet<SigningKey> SigningKeys => Set<SigningKey>();
    public DbSet<WebPushVapidKey> WebPushVapidKeys => Set<WebPushVapidKey>();
    public DbSet<AuthorizationCode> AuthorizationCodes => Set<AuthorizationCode>();
    public DbSet<RefreshToken> RefreshTokens => Set<RefreshToken>();
    public DbSet<RevokedAccessToken> RevokedAccessTokens => Set<RevokedAccessToken>();
    public DbSet<UsedJti> UsedJtis => Set<UsedJti>();
    public DbSet<AuthorizationRequestRecord> AuthorizationRequests => Set<AuthorizationRequestRecord>();
    public DbSet<UserSession> UserSessions => Set<UserSession>();
    public DbSet<UserSessionClient> UserSessionClients => Set<UserSessionClient>();
    public DbSet<Consent> Consents => Set<Consent>();
    public DbSet<OutboxMessage> Outbox => Set<OutboxMessage>();
    public DbSet<AuditEvent> AuditEvents => Set<AuditEvent>();
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();
    public DbSet<UserFactor> UserFactors => Set<UserFactor>();
    public DbSet<RecoveryCode> RecoveryCodes => Set<RecoveryCode>();
    public DbSet<TrustedBrowser> TrustedBrowsers => Set<TrustedBrowser>();
    public DbSet<PushCredential> PushCredentials => Set<PushCredential>();
    public DbSet<PushRegistration> PushRegistrations => Set<PushRegistration>();
    public DbSet<PushRequest> PushRequests => Set<PushRequest>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);

        builder.Entity<IdpUser>(user =>
        {
            user.Property(u => u.AccountNumber).HasMaxLength(32);
            user.HasIndex(u => u.AccountNumber).IsUnique();
            user.HasIndex(u => u.NormalizedEmail);
            user.Property(u => u.GivenName).HasMaxLength(100);
            user.Property(u => u.FamilyName).HasMaxLength(100);
            user.Property(u => u.PreferredLocale).HasMaxLength(16);
            user.Ignore(u => u.FullName);
        });

        builder.Entity<Client>(client =>
        {
            client.HasKey(c => c.ClientId);
            client.Property(c => c.ClientId).HasMaxLength(100);
            client.Property(c => c.DisplayName).HasMaxLength(200);
            client.Property(c => c.SecretHash).HasMaxLength(100);
            client.Property(c => c.PreviousSecretHash).HasMaxLength(100);
            client.Property(c => c.Source).HasConversion<int>();
            client.Property(c => c.ConfigurationKey).HasMaxLength(100);
            client.Property(c => c.SigningAlgorithm).HasMaxLength(10);
            client.Property(c => c.BackChannelLogoutUri).HasMaxLength(2000);
            client.Property(c => c.MfaPolicy).HasConversion<int?>();
            client.Property(c => c.Profile).HasConversion<int>();
            client.Property(c => c.UserInfoAccessTokens).HasConversion<int>();
            client.Property(c => c.TokenEndpointAuthMethod).HasMaxLength(40);
            client.Property(c => c.Jwks).HasMaxLength(16000);
            client.Property(c => c.JwksUri).HasMaxLength(2000);
            client.Ignore(c => c.AuthMethod);
            client.Ignore(c => c.IsPublic);
            SpaceSeparated(client.Property(c => c.RedirectUris));
            SpaceSeparated(client.Property(c => c.PostLogoutRedirectUris));
            SpaceSeparated(client.Property(c => c.AllowedGrantTypes));
            SpaceSeparated(client.Property(c => c.AllowedScopes));
        });

        builder.Entity<SigningKey>(key =>
        {
            key.Property(k => k.Id).HasMaxLength(64);
            key.Property(k => k.Algorithm).HasMaxLength(10);
        });

        builder.Entity<WebPushVapidKey>(key =>
        {
            key.Property(k => k.Id).HasMaxLength(16);
            key.Property(k => k.PublicKey).HasMaxLength(100);
        });

        builder.Entity<AuthorizationCode>(code =>
        {
            code.Property(c => c.Id).HasMaxLength(64);
            code.Property(c => c.ClientId).HasMaxLength(100);
            code.Property(c => c.SubjectId).HasMaxLength(64);
            code.Property(c => c.SessionId).HasMaxLength(64);
            code.Property(c => c.DPoPJkt).HasMaxLength(64);
            code.HasIndex(c => c.ExpiresAt);
        });

        builder.Entity<RefreshToken>(token =>
        {
            token.Property(t => t.Id).HasMaxLength(64);
            token.Property(t => t.FamilyId).HasMaxLength(64);
            token.Property(t => t.ClientId).HasMaxLength(100);
            token.Property(t => t.SubjectId).HasMaxLength(64);
            token.Property(t => t.SessionId).HasMaxLength(64);
            token.Property(t => t.DPoPJkt).HasMaxLength(64);
            // One index for the user's tokens and for a family of them (every query for a family or a session's tokens
            // knows the subject): every rotation and code exchange inserts into each index of the table.
            token.HasIndex(t => new { t.SubjectId, t.FamilyId });
            token.HasIndex(t => t.ExpiresAt);
        });

        builder.Entity<RevokedAccessToken>(token =>
        {
            token.HasKey(t => t.TokenId);
            token.Property(t => t.TokenId).HasMaxLength(64);
            token.HasIndex(t => t.ExpiresAt);
        });

        builder.Entity<UsedJti>(used =>
        {
            used.HasKey(u => new { u.Scope, u.JtiHash });
            used.Property(u => u.Scope).HasMaxLength(150);
            used.Property(u => u.JtiHash).HasMaxLength(64);
            used.HasIndex(u => u.ExpiresAt);
        });

        builder.Entity<AuthorizationRequestRecord>(request =>
        {
            request.Property(r => r.Id).HasMaxLength(64);
            request.Property(r => r.ClientId).HasMaxLength(100);
            request.Property(r => r.BrowserBinding).HasMaxLength(64);
            request.Property(r => r.SubjectId).HasMaxLength(64);
            request.HasIndex(r => r.ExpiresAt);
        });

        builder.Entity<UserSession>(session =>
        {
            session.Property(s => s.Id).HasMaxLength(64);
            session.Property(s => s.SubjectId).HasMaxLength(64);
            session.Property(s => s.Amr).HasMaxLength(200);
            session.Property(s => s.Acr).HasMaxLength(100);
            session.Property(s => s.IpAddress).HasMaxLength(64);
            session.Property(s => s.UserAgent).HasMaxLength(512);
            session.HasIndex(s => s.SubjectId);
            session.HasIndex(s => s.ExpiresAt);
            session.HasMany(s => s.Clients).WithOne().HasForeignKey(c => c.SessionId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<UserSessionClient>(client =>
        {
            client.HasKey(c => new { c.SessionId, c.ClientId });
            client.Property(c => c.ClientId).HasMaxLength(100);
        });

        builder.Entity<Consent>(consent =>
        {
            consent.HasKey(c => new { c.SubjectId, c.ClientId });
            consent.Property(c => c.SubjectId).HasMaxLength(64);
            consent.Property(c => c.ClientId).HasMaxLength(100);
            SpaceSeparated(consent.Property(c => c.Scopes));
        });

        builder.Entity<OutboxMessage>(message =>
        {
            message.Property(m => m.Recipient).HasMaxLength(256);
            message.Property(m => m.Subject).HasMaxLength(256);
            message.Property(m => m.ClaimedBy).HasMaxLength(100);
            message.Property(m => m.LastError).HasMaxLength(500);
            message.HasIndex(m => m.CreatedAt);
            message.HasIndex(m => new { m.SentAt, m.FailedAt, m.NextAttemptAt });
        });

        builder.Entity<AuditEvent>(audit =>
        {
            audit.Property(a => a.Type).HasMaxLength(64);
            audit.Property(a => a.SubjectId).HasMaxLength(64);
            audit.Property(a => a.ActorId).HasMaxLength(64);
            audit.Property(a => a.ClientId).HasMaxLength(100);
            audit.Property(a => a.IpAddress).HasMaxLength(64);
            audit.HasIndex(a => a.OccurredAt);
            audit.HasIndex(a => a.SubjectId);
        });

        builder.Entity<DataProtectionKey>(key => key.Property(k => k.FriendlyName).HasMaxLength(100));

        builder.Entity<UserFactor>(factor =>
        {
            factor.Property(f => f.Id).HasMaxLength(64);
            factor.Property(f => f.SubjectId).HasMaxLength(64);
            factor.Property(f => f.Name).HasMaxLength(100);
            factor.Property(f => f.ProtectedSecret).HasMaxLength(500);
            factor.Property(f => f.Kind).HasConversion<int>();
            factor.HasIndex(f => f.SubjectId);
            factor.HasOne<IdpUser>().WithMany().HasForeignKey(f => f.SubjectId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<RecoveryCode>(code =>
        {
            code.Property(c => c.SubjectId).HasMaxLength(64);
            code.Property(c => c.CodeHash).HasMaxLength(64);
            code.HasIndex(c => new { c.SubjectId, c.CodeHash });
            code.HasOne<IdpUser>().WithMany().HasForeignKey(c => c.SubjectId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<TrustedBrowser>(browser =>
        {
            browser.Property(b => b.Id).HasMaxLength(64);
            browser.Property(b => b.SubjectId).HasMaxLength(64);
            browser.Property(b => b.UserAgent).HasMaxLength(512);
            browser.HasIndex(b => b.SubjectId);
            browser.HasIndex(b => b.ExpiresAt);
            browser.HasOne<IdpUser>().WithMany().HasForeignKey(b => b.SubjectId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<PushCredential>(credential =>
        {
            credential.Property(c => c.Id).HasMaxLength(64);
            credential.Property(c => c.SubjectId).HasMaxLength(64);
            credential.Property(c => c.DeviceName).HasMaxLength(100);
            credential.Property(c => c.PublicKey).HasMaxLength(200);
            credential.Property(c => c.AccessTokenHash).HasMaxLength(64);
            credential.Property(c => c.SubscriptionEndpoint).HasMaxLength(2000);
            credential.Property(c => c.SubscriptionP256dh).HasMaxLength(200);
            credential.Property(c => c.SubscriptionAuth).HasMaxLength(100);
            credential.HasIndex(c => c.SubjectId);
            credential.HasIndex(c => c.AccessTokenHash).IsUnique();
            credential.HasOne<IdpUser>().WithMany().HasForeignKey(c => c.SubjectId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<PushRegistration>(registration =>
        {
            registration.Property(r => r.Id).HasMaxLength(64);
            registration.Property(r => r.SubjectId).HasMaxLength(64);
            registration.Property(r => r.DeviceName).HasMaxLength(100);
            registration.Property(r => r.PublicKey).HasMaxLength(200);
            registration.Property(r => r.CodeHash).HasMaxLength(64);
            registration.HasIndex(r => r.SubjectId);
            registration.HasIndex(r => r.ExpiresAt);
            registration.HasOne<IdpUser>().WithMany().HasForeignKey(r => r.SubjectId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<PushRequest>(request =>
        {
            request.Property(r => r.Id).HasMaxLength(64);
            request.Property(r => r.SubjectId).HasMaxLength(64);
            request.Property(r => r.Challenge).HasMaxLength(64);
            request.Property(r => r.NumberChoices).HasMaxLength(32);
            request.Property(r => r.State).HasConversion<int>();
            request.Property(r => r.ClientId).HasMaxLength(100);
            request.Property(r => r.PortalName).HasMaxLength(200);
            request.Property(r => r.IpAddress).HasMaxLength(64);
            request.Property(r => r.UserAgent).HasMaxLength(512);
            request.Property(r => r.BrowserBindingHash).HasMaxLength(64);
            request.Property(r => r.DecidedBy).HasMaxLength(64);
            request.HasIndex(r => new { r.SubjectId, r.CreatedAt });
            request.HasIndex(r => r.ExpiresAt);
            request.HasOne<IdpUser>().WithMany().HasForeignKey(r => r.SubjectId).OnDelete(DeleteBehavior.Cascade);
        });

        Helpdesk.HelpdeskModel.Configure(builder);
    }

    /// <summary>Lists of URIs, scopes and grant types as one space-separated column, the same on every provider.</summary>
    private static void SpaceSeparated(Microsoft.EntityFrameworkCore.Metadata.Builders.PropertyBuilder<List<string>> property) =>
        property.HasConversion(
                list => string.Join(' ', list),
                text => text.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToList(),
                new ValueComparer<List<string>>(
                    (a, b) => a!.SequenceEqual(b!),
                    list => list.Aggregate(0, (hash, item) => HashCode.Combine(hash, item.GetHashCode())),
                    list => list.ToList()))
            .HasMaxLength(8000);
}

/// <summary>SQLite cannot order or compare <see cref="DateTimeOffset"/>; store them as sortable integers.</summary>
public sealed class SqliteIdpDbContext(DbContextOptions<SqliteIdpDbContext> options) : IdpDbContext(options)
{
    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<UtcTicksConverter>();
        configurationBuilder.Properties<DateTimeOffset?>().HaveConversion<UtcTicksConverter>();
    }

    private sealed class UtcTicksConverter() : Microsoft.EntityFrameworkCore.Storage.ValueConversion.ValueConverter<DateTimeOffset, long>(
        value => value.UtcTicks,
        ticks => new DateTimeOffset(ticks, TimeSpan.Zero));
}

public sealed class PostgresIdpDbContext(DbContextOptions<PostgresIdpDbContext> options) : IdpDbContext(options);

public sealed class SqlServerIdpDbContext(DbContextOptions<SqlServerIdpDbContext> options) : IdpDbContext(options);
