IF OBJECT_ID(N'[__EFMigrationsHistory]') IS NULL
BEGIN
    CREATE TABLE [__EFMigrationsHistory] (
        [MigrationId] nvarchar(150) NOT NULL,
        [ProductVersion] nvarchar(32) NOT NULL,
        CONSTRAINT [PK___EFMigrationsHistory] PRIMARY KEY ([MigrationId])
    );
END;
GO

BEGIN TRANSACTION;
IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205155645_SqlServerInitial'
)
BEGIN
    CREATE TABLE [AspNetRoles] (
        [Id] nvarchar(450) NOT NULL,
        [Name] nvarchar(256) NULL,
        [NormalizedName] nvarchar(256) NULL,
        [ConcurrencyStamp] nvarchar(max) NULL,
        CONSTRAINT [PK_AspNetRoles] PRIMARY KEY ([Id])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205155645_SqlServerInitial'
)
BEGIN
    CREATE TABLE [AspNetUsers] (
        [Id] nvarchar(450) NOT NULL,
        [AccountNumber] nvarchar(32) NOT NULL,
        [GivenName] nvarchar(100) NOT NULL,
        [FamilyName] nvarchar(100) NOT NULL,
        [PreferredLocale] nvarchar(16) NULL,
        [CreatedAt] datetimeoffset NOT NULL,
        [SignInCount] int NOT NULL,
        [LastSignInAt] datetimeoffset NULL,
        [LockoutCount] int NOT NULL,
        [MustEnrol] bit NOT NULL,
        [WelcomeShown] bit NOT NULL,
        [CredentialsChangedAt] datetimeoffset NULL,
        [UserName] nvarchar(256) NULL,
        [NormalizedUserName] nvarchar(256) NULL,
        [Email] nvarchar(256) NULL,
        [NormalizedEmail] nvarchar(256) NULL,
        [EmailConfirmed] bit NOT NULL,
        [PasswordHash] nvarchar(max) NULL,
        [SecurityStamp] nvarchar(max) NULL,
        [ConcurrencyStamp] nvarchar(max) NULL,
        [PhoneNumber] nvarchar(256) NULL,
        [PhoneNumberConfirmed] bit NOT NULL,
        [TwoFactorEnabled] bit NOT NULL,
        [LockoutEnd] datetimeoffset NULL,
        [LockoutEnabled] bit NOT NULL,
        [AccessFailedCount] int NOT NULL,
        CONSTRAINT [PK_AspNetUsers] PRIMARY KEY ([Id])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205155645_SqlServerInitial'
)
BEGIN
    CREATE TABLE [AuditEvents] (
        [Id] bigint NOT NULL IDENTITY,
        [OccurredAt] datetimeoffset NOT NULL,
        [Type] nvarchar(64) NOT NULL,
        [SubjectId] nvarchar(64) NULL,
        [ActorId] nvarchar(64) NULL,
        [ClientId] nvarchar(100) NULL,
        [IpAddress] nvarchar(64) NULL,
        [Details] nvarchar(max) NULL,
        CONSTRAINT [PK_AuditEvents] PRIMARY KEY ([Id])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205155645_SqlServerInitial'
)
BEGIN
    CREATE TABLE [AuthorizationCodes] (
        [Id] nvarchar(64) NOT NULL,
        [ClientId] nvarchar(100) NOT NULL,
        [SubjectId] nvarchar(64) NOT NULL,
        [SessionId] nvarchar(64) NOT NULL,
        [RedirectUri] nvarchar(max) NOT NULL,
        [Scope] nvarchar(max) NOT NULL,
        [Nonce] nvarchar(max) NULL,
        [CodeChallenge] nvarchar(max) NULL,
        [AuthTime] datetimeoffset NOT NULL,
        [Acr] nvarchar(max) NOT NULL,
        [Amr] nvarchar(max) NOT NULL,
        [ClaimsRequest] nvarchar(max) NULL,
        [CreatedAt] datetimeoffset NOT NULL,
        [ExpiresAt] datetimeoffset NOT NULL,
        [RedeemedAt] datetimeoffset NULL,
        [IssuedAccessTokenId] nvarchar(max) NULL,
        [IssuedRefreshTokenFamily] nvarchar(max) NULL,
        CONSTRAINT [PK_AuthorizationCodes] PRIMARY KEY ([Id])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205155645_SqlServerInitial'
)
BEGIN
    CREATE TABLE [AuthorizationRequests] (
        [Id] nvarchar(64) NOT NULL,
        [Kind] int NOT NULL,
        [ClientId] nvarchar(100) NOT NULL,
        [Parameters] nvarchar(max) NOT NULL,
        [CreatedAt] datetimeoffset NOT NULL,
        [ExpiresAt] datetimeoffset NOT NULL,
        [ConsumedAt] datetimeoffset NULL,
        [Error] nvarchar(max) NULL,
        [BrowserBinding] nvarchar(64) NULL,
        [SubjectId] nvarchar(64) NULL,
        [ConsentedScopes] nvarchar(max) NULL,
        CONSTRAINT [PK_AuthorizationRequests] PRIMARY KEY ([Id])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205155645_SqlServerInitial'
)
BEGIN
    CREATE TABLE [Clients] (
        [ClientId] nvarchar(100) NOT NULL,
        [DisplayName] nvarchar(200) NOT NULL,
        [SecretHash] nvarchar(100) NULL,
        [RedirectUris] nvarchar(max) NOT NULL,
        [PostLogoutRedirectUris] nvarchar(max) NOT NULL,
        [AllowedGrantTypes] nvarchar(max) NOT NULL,
        [AllowedScopes] nvarchar(max) NOT NULL,
        [IsThirdParty] bit NOT NULL,
        [RequirePkce] bit NOT NULL,
        [SigningAlgorithm] nvarchar(10) NOT NULL,
        [AccessTokenLifetimeSeconds] int NOT NULL,
        [IdTokenLifetimeSeconds] int NOT NULL,
        [RefreshTokenLifetimeSeconds] int NOT NULL,
        [MfaPolicy] int NULL,
        [TrustBrowserDays] int NULL,
        [BackChannelLogoutUri] nvarchar(2000) NULL,
        [Enabled] bit NOT NULL,
        [CreatedAt] datetimeoffset NOT NULL,
        [UpdatedAt] datetimeoffset NOT NULL,
        CONSTRAINT [PK_Clients] PRIMARY KEY ([ClientId])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205155645_SqlServerInitial'
)
BEGIN
    CREATE TABLE [Consents] (
        [SubjectId] nvarchar(64) NOT NULL,
        [ClientId] nvarchar(100) NOT NULL,
        [Scopes] nvarchar(max) NOT NULL,
        [GrantedAt] datetimeoffset NOT NULL,
        CONSTRAINT [PK_Consents] PRIMARY KEY ([SubjectId], [ClientId])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205155645_SqlServerInitial'
)
BEGIN
    CREATE TABLE [DataProtectionKeys] (
        [Id] int NOT NULL IDENTITY,
        [FriendlyName] nvarchar(100) NOT NULL,
        [Xml] nvarchar(max) NOT NULL,
        CONSTRAINT [PK_DataProtectionKeys] PRIMARY KEY ([Id])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205155645_SqlServerInitial'
)
BEGIN
    CREATE TABLE [Outbox] (
        [Id] bigint NOT NULL IDENTITY,
        [Channel] int NOT NULL,
        [Recipient] nvarchar(256) NOT NULL,
        [Subject] nvarchar(256) NOT NULL,
        [Body] nvarchar(max) NOT NULL,
        [CreatedAt] datetimeoffset NOT NULL,
        [NextAttemptAt] datetimeoffset NOT NULL,
        [Attempts] int NOT NULL,
        [ClaimedBy] nvarchar(100) NULL,
        [ClaimedUntil] datetimeoffset NULL,
        [SentAt] datetimeoffset NULL,
        [FailedAt] datetimeoffset NULL,
        [LastError] nvarchar(500) NULL,
        CONSTRAINT [PK_Outbox] PRIMARY KEY ([Id])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205155645_SqlServerInitial'
)
BEGIN
    CREATE TABLE [RefreshTokens] (
        [Id] nvarchar(64) NOT NULL,
        [FamilyId] nvarchar(64) NOT NULL,
        [ClientId] nvarchar(100) NOT NULL,
        [SubjectId] nvarchar(64) NOT NULL,
        [SessionId] nvarchar(64) NULL,
        [Scope] nvarchar(max) NOT NULL,
        [AuthTime] datetimeoffset NOT NULL,
        [Acr] nvarchar(max) NOT NULL,
        [Amr] nvarchar(max) NOT NULL,
        [ClaimsRequest] nvarchar(max) NULL,
        [CreatedAt] datetimeoffset NOT NULL,
        [ExpiresAt] datetimeoffset NOT NULL,
        [ConsumedAt] datetimeoffset NULL,
        [RevokedAt] datetimeoffset NULL,
        [AccessTokenId] nvarchar(max) NULL,
        CONSTRAINT [PK_RefreshTokens] PRIMARY KEY ([Id])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205155645_SqlServerInitial'
)
BEGIN
    CREATE TABLE [RevokedAccessTokens] (
        [TokenId] nvarchar(64) NOT NULL,
        [ExpiresAt] datetimeoffset NOT NULL,
        CONSTRAINT [PK_RevokedAccessTokens] PRIMARY KEY ([TokenId])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205155645_SqlServerInitial'
)
BEGIN
    CREATE TABLE [SigningKeys] (
        [Id] nvarchar(64) NOT NULL,
        [Algorithm] nvarchar(10) NOT NULL,
        [PublicJwk] nvarchar(max) NOT NULL,
        [ProtectedPrivateKey] nvarchar(max) NOT NULL,
        [CreatedAt] datetimeoffset NOT NULL,
        [ActivatesAt] datetimeoffset NOT NULL,
        [RetiresAt] datetimeoffset NOT NULL,
        [ExpiresAt] datetimeoffset NOT NULL,
        CONSTRAINT [PK_SigningKeys] PRIMARY KEY ([Id])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205155645_SqlServerInitial'
)
BEGIN
    CREATE TABLE [UserSessions] (
        [Id] nvarchar(64) NOT NULL,
        [SubjectId] nvarchar(64) NOT NULL,
        [CreatedAt] datetimeoffset NOT NULL,
        [AuthTime] datetimeoffset NOT NULL,
        [Amr] nvarchar(200) NOT NULL,
        [Acr] nvarchar(100) NOT NULL,
        [Persistent] bit NOT NULL,
        [Grace] bit NOT NULL,
        [ExpiresAt] datetimeoffset NOT NULL,
        [EndedAt] datetimeoffset NULL,
        [IpAddress] nvarchar(64) NULL,
        [UserAgent] nvarchar(512) NULL,
        CONSTRAINT [PK_UserSessions] PRIMARY KEY ([Id])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205155645_SqlServerInitial'
)
BEGIN
    CREATE TABLE [WebPushVapidKeys] (
        [Id] nvarchar(16) NOT NULL,
        [PublicKey] nvarchar(100) NOT NULL,
        [ProtectedPrivateKey] nvarchar(max) NOT NULL,
        [CreatedAt] datetimeoffset NOT NULL,
        CONSTRAINT [PK_WebPushVapidKeys] PRIMARY KEY ([Id])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205155645_SqlServerInitial'
)
BEGIN
    CREATE TABLE [AspNetRoleClaims] (
        [Id] int NOT NULL IDENTITY,
        [RoleId] nvarchar(450) NOT NULL,
        [ClaimType] nvarchar(max) NULL,
        [ClaimValue] nvarchar(max) NULL,
        CONSTRAINT [PK_AspNetRoleClaims] PRIMARY KEY ([Id]),
        CONSTRAINT [FK_AspNetRoleClaims_AspNetRoles_RoleId] FOREIGN KEY ([RoleId]) REFERENCES [AspNetRoles] ([Id]) ON DELETE CASCADE
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205155645_SqlServerInitial'
)
BEGIN
    CREATE TABLE [AspNetUserClaims] (
        [Id] int NOT NULL IDENTITY,
        [UserId] nvarchar(450) NOT NULL,
        [ClaimType] nvarchar(max) NULL,
        [ClaimValue] nvarchar(max) NULL,
        CONSTRAINT [PK_AspNetUserClaims] PRIMARY KEY ([Id]),
        CONSTRAINT [FK_AspNetUserClaims_AspNetUsers_UserId] FOREIGN KEY ([UserId]) REFERENCES [AspNetUsers] ([Id]) ON DELETE CASCADE
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205155645_SqlServerInitial'
)
BEGIN
    CREATE TABLE [AspNetUserLogins] (
        [LoginProvider] nvarchar(128) NOT NULL,
        [ProviderKey] nvarchar(128) NOT NULL,
        [ProviderDisplayName] nvarchar(max) NULL,
        [UserId] nvarchar(450) NOT NULL,
        CONSTRAINT [PK_AspNetUserLogins] PRIMARY KEY ([LoginProvider], [ProviderKey]),
        CONSTRAINT [FK_AspNetUserLogins_AspNetUsers_UserId] FOREIGN KEY ([UserId]) REFERENCES [AspNetUsers] ([Id]) ON DELETE CASCADE
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205155645_SqlServerInitial'
)
BEGIN
    CREATE TABLE [AspNetUserPasskeys] (
        [CredentialId] varbinary(1024) NOT NULL,
        [UserId] nvarchar(450) NOT NULL,
        [Data] nvarchar(max) NOT NULL,
        CONSTRAINT [PK_AspNetUserPasskeys] PRIMARY KEY ([CredentialId]),
        CONSTRAINT [FK_AspNetUserPasskeys_AspNetUsers_UserId] FOREIGN KEY ([UserId]) REFERENCES [AspNetUsers] ([Id]) ON DELETE CASCADE
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205155645_SqlServerInitial'
)
BEGIN
    CREATE TABLE [AspNetUserRoles] (
        [UserId] nvarchar(450) NOT NULL,
        [RoleId] nvarchar(450) NOT NULL,
        CONSTRAINT [PK_AspNetUserRoles] PRIMARY KEY ([UserId], [RoleId]),
        CONSTRAINT [FK_AspNetUserRoles_AspNetRoles_RoleId] FOREIGN KEY ([RoleId]) REFERENCES [AspNetRoles] ([Id]) ON DELETE CASCADE,
        CONSTRAINT [FK_AspNetUserRoles_AspNetUsers_UserId] FOREIGN KEY ([UserId]) REFERENCES [AspNetUsers] ([Id]) ON DELETE CASCADE
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205155645_SqlServerInitial'
)
BEGIN
    CREATE TABLE [AspNetUserTokens] (
        [UserId] nvarchar(450) NOT NULL,
        [LoginProvider] nvarchar(128) NOT NULL,
        [Name] nvarchar(128) NOT NULL,
        [Value] nvarchar(max) NULL,
        CONSTRAINT [PK_AspNetUserTokens] PRIMARY KEY ([UserId], [LoginProvider], [Name]),
        CONSTRAINT [FK_AspNetUserTokens_AspNetUsers_UserId] FOREIGN KEY ([UserId]) REFERENCES [AspNetUsers] ([Id]) ON DELETE CASCADE
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205155645_SqlServerInitial'
)
BEGIN
    CREATE TABLE [PushCredentials] (
        [Id] nvarchar(64) NOT NULL,
        [SubjectId] nvarchar(64) NOT NULL,
        [DeviceName] nvarchar(100) NOT NULL,
        [PublicKey] varbinary(200) NOT NULL,
        [AccessTokenHash] nvarchar(64) NOT NULL,
        [CreatedAt] datetimeoffset NOT NULL,
        [LastUsedAt] datetimeoffset NULL,
        [SubscriptionEndpoint] nvarchar(2000) NULL,
        [SubscriptionP256dh] nvarchar(200) NULL,
        [SubscriptionAuth] nvarchar(100) NULL,
        CONSTRAINT [PK_PushCredentials] PRIMARY KEY ([Id]),
        CONSTRAINT [FK_PushCredentials_AspNetUsers_SubjectId] FOREIGN KEY ([SubjectId]) REFERENCES [AspNetUsers] ([Id]) ON DELETE CASCADE
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205155645_SqlServerInitial'
)
BEGIN
    CREATE TABLE [PushRegistrations] (
        [Id] nvarchar(64) NOT NULL,
        [SubjectId] nvarchar(64) NOT NULL,
        [DeviceName] nvarchar(100) NOT NULL,
        [PublicKey] varbinary(200) NOT NULL,
        [CodeHash] nvarchar(64) NOT NULL,
        [Attempts] int NOT NULL,
        [CreatedAt] datetimeoffset NOT NULL,
        [ExpiresAt] datetimeoffset NOT NULL,
        [ConfirmedAt] datetimeoffset NULL,
        CONSTRAINT [PK_PushRegistrations] PRIMARY KEY ([Id]),
        CONSTRAINT [FK_PushRegistrations_AspNetUsers_SubjectId] FOREIGN KEY ([SubjectId]) REFERENCES [AspNetUsers] ([Id]) ON DELETE CASCADE
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205155645_SqlServerInitial'
)
BEGIN
    CREATE TABLE [PushRequests] (
        [Id] nvarchar(64) NOT NULL,
        [SubjectId] nvarchar(64) NOT NULL,
        [Challenge] nvarchar(64) NOT NULL,
        [Number] int NOT NULL,
        [NumberChoices] nvarchar(32) NOT NULL,
        [State] int NOT NULL,
        [IsTest] bit NOT NULL,
        [ClientId] nvarchar(100) NULL,
        [PortalName] nvarchar(200) NOT NULL,
        [IpAddress] nvarchar(64) NULL,
        [UserAgent] nvarchar(512) NULL,
        [BrowserBindingHash] nvarchar(64) NULL,
        [CreatedAt] datetimeoffset NOT NULL,
        [ExpiresAt] datetimeoffset NOT NULL,
        [DecidedAt] datetimeoffset NULL,
        [DecidedBy] nvarchar(64) NULL,
        [ReportedAt] datetimeoffset NULL,
        CONSTRAINT [PK_PushRequests] PRIMARY KEY ([Id]),
        CONSTRAINT [FK_PushRequests_AspNetUsers_SubjectId] FOREIGN KEY ([SubjectId]) REFERENCES [AspNetUsers] ([Id]) ON DELETE CASCADE
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205155645_SqlServerInitial'
)
BEGIN
    CREATE TABLE [RecoveryCodes] (
        [Id] bigint NOT NULL IDENTITY,
        [SubjectId] nvarchar(64) NOT NULL,
        [CodeHash] nvarchar(64) NOT NULL,
        [CreatedAt] datetimeoffset NOT NULL,
        [UsedAt] datetimeoffset NULL,
        CONSTRAINT [PK_RecoveryCodes] PRIMARY KEY ([Id]),
        CONSTRAINT [FK_RecoveryCodes_AspNetUsers_SubjectId] FOREIGN KEY ([SubjectId]) REFERENCES [AspNetUsers] ([Id]) ON DELETE CASCADE
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205155645_SqlServerInitial'
)
BEGIN
    CREATE TABLE [ResetRequests] (
        [Id] nvarchar(64) NOT NULL,
        [Reference] nvarchar(16) NOT NULL,
        [SubjectId] nvarchar(64) NOT NULL,
        [OpenFor] nvarchar(64) NULL,
        [Reason] int NOT NULL,
        [Contact] nvarchar(200) NOT NULL,
        [Message] nvarchar(2000) NULL,
        [State] int NOT NULL,
        [RequiresFourEyes] bit NOT NULL,
        [SubmittedAt] datetimeoffset NOT NULL,
        [DueAt] datetimeoffset NOT NULL,
        [RemindAt] datetimeoffset NOT NULL,
        [AssignedTo] nvarchar(64) NULL,
        [AssignedAt] datetimeoffset NULL,
        [FirstApprovedBy] nvarchar(64) NULL,
        [FirstApprovedAt] datetimeoffset NULL,
        [FirstApprovalNote] nvarchar(1000) NULL,
        [DecidedAt] datetimeoffset NULL,
        [DecidedBy] nvarchar(64) NULL,
        [Resolution] int NULL,
        [DecisionNote] nvarchar(1000) NULL,
        [RejectionReason] nvarchar(1000) NULL,
        [ReminderSentAt] datetimeoffset NULL,
        [EscalatedAt] datetimeoffset NULL,
        [BreachedAt] datetimeoffset NULL,
        CONSTRAINT [PK_ResetRequests] PRIMARY KEY ([Id]),
        CONSTRAINT [FK_ResetRequests_AspNetUsers_SubjectId] FOREIGN KEY ([SubjectId]) REFERENCES [AspNetUsers] ([Id]) ON DELETE CASCADE
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205155645_SqlServerInitial'
)
BEGIN
    CREATE TABLE [TemporaryAccessPasses] (
        [Id] nvarchar(64) NOT NULL,
        [SubjectId] nvarchar(64) NOT NULL,
        [CodeHash] nvarchar(64) NOT NULL,
        [RequestId] nvarchar(64) NULL,
        [IssuedBy] nvarchar(64) NOT NULL,
        [CreatedAt] datetimeoffset NOT NULL,
        [ExpiresAt] datetimeoffset NOT NULL,
        [UsedAt] datetimeoffset NULL,
        [FailedAttempts] int NOT NULL,
        [NextAttemptAt] datetimeoffset NULL,
        CONSTRAINT [PK_TemporaryAccessPasses] PRIMARY KEY ([Id]),
        CONSTRAINT [FK_TemporaryAccessPasses_AspNetUsers_SubjectId] FOREIGN KEY ([SubjectId]) REFERENCES [AspNetUsers] ([Id]) ON DELETE CASCADE
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205155645_SqlServerInitial'
)
BEGIN
    CREATE TABLE [TrustedBrowsers] (
        [Id] nvarchar(64) NOT NULL,
        [SubjectId] nvarchar(64) NOT NULL,
        [CreatedAt] datetimeoffset NOT NULL,
        [ExpiresAt] datetimeoffset NOT NULL,
        [LastUsedAt] datetimeoffset NULL,
        [UserAgent] nvarchar(512) NULL,
        CONSTRAINT [PK_TrustedBrowsers] PRIMARY KEY ([Id]),
        CONSTRAINT [FK_TrustedBrowsers_AspNetUsers_SubjectId] FOREIGN KEY ([SubjectId]) REFERENCES [AspNetUsers] ([Id]) ON DELETE CASCADE
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205155645_SqlServerInitial'
)
BEGIN
    CREATE TABLE [UserFactors] (
        [Id] nvarchar(64) NOT NULL,
        [SubjectId] nvarchar(64) NOT NULL,
        [Kind] int NOT NULL,
        [Name] nvarchar(100) NOT NULL,
        [CreatedAt] datetimeoffset NOT NULL,
        [LastUsedAt] datetimeoffset NULL,
        [ProtectedSecret] nvarchar(500) NULL,
        [LastAcceptedStep] bigint NOT NULL,
        [FailedAttempts] int NOT NULL,
        [NextAttemptAt] datetimeoffset NULL,
        [LockedAt] datetimeoffset NULL,
        CONSTRAINT [PK_UserFactors] PRIMARY KEY ([Id]),
        CONSTRAINT [FK_UserFactors_AspNetUsers_SubjectId] FOREIGN KEY ([SubjectId]) REFERENCES [AspNetUsers] ([Id]) ON DELETE CASCADE
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205155645_SqlServerInitial'
)
BEGIN
    CREATE TABLE [UserSessionClients] (
        [SessionId] nvarchar(64) NOT NULL,
        [ClientId] nvarchar(100) NOT NULL,
        CONSTRAINT [PK_UserSessionClients] PRIMARY KEY ([SessionId], [ClientId]),
        CONSTRAINT [FK_UserSessionClients_UserSessions_SessionId] FOREIGN KEY ([SessionId]) REFERENCES [UserSessions] ([Id]) ON DELETE CASCADE
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205155645_SqlServerInitial'
)
BEGIN
    CREATE INDEX [IX_AspNetRoleClaims_RoleId] ON [AspNetRoleClaims] ([RoleId]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205155645_SqlServerInitial'
)
BEGIN
    EXEC(N'CREATE UNIQUE INDEX [RoleNameIndex] ON [AspNetRoles] ([NormalizedName]) WHERE [NormalizedName] IS NOT NULL');
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205155645_SqlServerInitial'
)
BEGIN
    CREATE INDEX [IX_AspNetUserClaims_UserId] ON [AspNetUserClaims] ([UserId]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205155645_SqlServerInitial'
)
BEGIN
    CREATE INDEX [IX_AspNetUserLogins_UserId] ON [AspNetUserLogins] ([UserId]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205155645_SqlServerInitial'
)
BEGIN
    CREATE INDEX [IX_AspNetUserPasskeys_UserId] ON [AspNetUserPasskeys] ([UserId]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205155645_SqlServerInitial'
)
BEGIN
    CREATE INDEX [IX_AspNetUserRoles_RoleId] ON [AspNetUserRoles] ([RoleId]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205155645_SqlServerInitial'
)
BEGIN
    CREATE INDEX [EmailIndex] ON [AspNetUsers] ([NormalizedEmail]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205155645_SqlServerInitial'
)
BEGIN
    CREATE UNIQUE INDEX [IX_AspNetUsers_AccountNumber] ON [AspNetUsers] ([AccountNumber]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205155645_SqlServerInitial'
)
BEGIN
    EXEC(N'CREATE UNIQUE INDEX [UserNameIndex] ON [AspNetUsers] ([NormalizedUserName]) WHERE [NormalizedUserName] IS NOT NULL');
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205155645_SqlServerInitial'
)
BEGIN
    CREATE INDEX [IX_AuditEvents_OccurredAt] ON [AuditEvents] ([OccurredAt]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205155645_SqlServerInitial'
)
BEGIN
    CREATE INDEX [IX_AuditEvents_SubjectId] ON [AuditEvents] ([SubjectId]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205155645_SqlServerInitial'
)
BEGIN
    CREATE INDEX [IX_AuthorizationCodes_ExpiresAt] ON [AuthorizationCodes] ([ExpiresAt]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205155645_SqlServerInitial'
)
BEGIN
    CREATE INDEX [IX_AuthorizationRequests_ExpiresAt] ON [AuthorizationRequests] ([ExpiresAt]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205155645_SqlServerInitial'
)
BEGIN
    CREATE INDEX [IX_Outbox_CreatedAt] ON [Outbox] ([CreatedAt]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205155645_SqlServerInitial'
)
BEGIN
    CREATE INDEX [IX_Outbox_SentAt_FailedAt_NextAttemptAt] ON [Outbox] ([SentAt], [FailedAt], [NextAttemptAt]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205155645_SqlServerInitial'
)
BEGIN
    CREATE UNIQUE INDEX [IX_PushCredentials_AccessTokenHash] ON [PushCredentials] ([AccessTokenHash]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205155645_SqlServerInitial'
)
BEGIN
    CREATE INDEX [IX_PushCredentials_SubjectId] ON [PushCredentials] ([SubjectId]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205155645_SqlServerInitial'
)
BEGIN
    CREATE INDEX [IX_PushRegistrations_ExpiresAt] ON [PushRegistrations] ([ExpiresAt]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205155645_SqlServerInitial'
)
BEGIN
    CREATE INDEX [IX_PushRegistrations_SubjectId] ON [PushRegistrations] ([SubjectId]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205155645_SqlServerInitial'
)
BEGIN
    CREATE INDEX [IX_PushRequests_ExpiresAt] ON [PushRequests] ([ExpiresAt]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205155645_SqlServerInitial'
)
BEGIN
    CREATE INDEX [IX_PushRequests_SubjectId_CreatedAt] ON [PushRequests] ([SubjectId], [CreatedAt]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205155645_SqlServerInitial'
)
BEGIN
    CREATE INDEX [IX_RecoveryCodes_SubjectId_CodeHash] ON [RecoveryCodes] ([SubjectId], [CodeHash]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205155645_SqlServerInitial'
)
BEGIN
    CREATE INDEX [IX_RefreshTokens_ExpiresAt] ON [RefreshTokens] ([ExpiresAt]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205155645_SqlServerInitial'
)
BEGIN
    CREATE INDEX [IX_RefreshTokens_FamilyId] ON [RefreshTokens] ([FamilyId]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205155645_SqlServerInitial'
)
BEGIN
    CREATE INDEX [IX_RefreshTokens_SessionId] ON [RefreshTokens] ([SessionId]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205155645_SqlServerInitial'
)
BEGIN
    CREATE INDEX [IX_RefreshTokens_SubjectId] ON [RefreshTokens] ([SubjectId]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205155645_SqlServerInitial'
)
BEGIN
    CREATE INDEX [IX_ResetRequests_DecidedAt] ON [ResetRequests] ([DecidedAt]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205155645_SqlServerInitial'
)
BEGIN
    EXEC(N'CREATE UNIQUE INDEX [IX_ResetRequests_OpenFor] ON [ResetRequests] ([OpenFor]) WHERE [OpenFor] IS NOT NULL');
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205155645_SqlServerInitial'
)
BEGIN
    CREATE UNIQUE INDEX [IX_ResetRequests_Reference] ON [ResetRequests] ([Reference]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205155645_SqlServerInitial'
)
BEGIN
    CREATE INDEX [IX_ResetRequests_State_DueAt] ON [ResetRequests] ([State], [DueAt]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205155645_SqlServerInitial'
)
BEGIN
    CREATE INDEX [IX_ResetRequests_SubjectId] ON [ResetRequests] ([SubjectId]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205155645_SqlServerInitial'
)
BEGIN
    CREATE INDEX [IX_RevokedAccessTokens_ExpiresAt] ON [RevokedAccessTokens] ([ExpiresAt]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205155645_SqlServerInitial'
)
BEGIN
    CREATE INDEX [IX_TemporaryAccessPasses_SubjectId] ON [TemporaryAccessPasses] ([SubjectId]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205155645_SqlServerInitial'
)
BEGIN
    CREATE INDEX [IX_TrustedBrowsers_ExpiresAt] ON [TrustedBrowsers] ([ExpiresAt]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205155645_SqlServerInitial'
)
BEGIN
    CREATE INDEX [IX_TrustedBrowsers_SubjectId] ON [TrustedBrowsers] ([SubjectId]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205155645_SqlServerInitial'
)
BEGIN
    CREATE INDEX [IX_UserFactors_SubjectId] ON [UserFactors] ([SubjectId]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205155645_SqlServerInitial'
)
BEGIN
    CREATE INDEX [IX_UserSessions_ExpiresAt] ON [UserSessions] ([ExpiresAt]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205155645_SqlServerInitial'
)
BEGIN
    CREATE INDEX [IX_UserSessions_SubjectId] ON [UserSessions] ([SubjectId]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205155645_SqlServerInitial'
)
BEGIN
    INSERT INTO [__EFMigrationsHistory] ([MigrationId], [ProductVersion])
    VALUES (N'20261205155645_SqlServerInitial', N'10.0.15');
END;

COMMIT;
GO

BEGIN TRANSACTION;
IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205170655_PortalSecretRotation'
)
BEGIN
    ALTER TABLE [Clients] ADD [ConfigurationKey] nvarchar(100) NULL;
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205170655_PortalSecretRotation'
)
BEGIN
    ALTER TABLE [Clients] ADD [PreviousSecretExpiresAt] datetimeoffset NULL;
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205170655_PortalSecretRotation'
)
BEGIN
    ALTER TABLE [Clients] ADD [PreviousSecretHash] nvarchar(100) NULL;
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205170655_PortalSecretRotation'
)
BEGIN
    ALTER TABLE [Clients] ADD [Source] int NOT NULL DEFAULT 0;
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205170655_PortalSecretRotation'
)
BEGIN
    INSERT INTO [__EFMigrationsHistory] ([MigrationId], [ProductVersion])
    VALUES (N'20261205170655_PortalSecretRotation', N'10.0.15');
END;

COMMIT;
GO

BEGIN TRANSACTION;
IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205170829_OutboxKinds'
)
BEGIN
    ALTER TABLE [Outbox] ADD [GiveUpAt] datetimeoffset NULL;
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205170829_OutboxKinds'
)
BEGIN
    ALTER TABLE [Outbox] ADD [Payload] nvarchar(max) NULL;
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205170829_OutboxKinds'
)
BEGIN
    INSERT INTO [__EFMigrationsHistory] ([MigrationId], [ProductVersion])
    VALUES (N'20261205170829_OutboxKinds', N'10.0.15');
END;

COMMIT;
GO

BEGIN TRANSACTION;
IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205173603_UsedJti'
)
BEGIN
    ALTER TABLE [Clients] ADD [Jwks] nvarchar(max) NULL;
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205173603_UsedJti'
)
BEGIN
    ALTER TABLE [Clients] ADD [JwksUri] nvarchar(2000) NULL;
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205173603_UsedJti'
)
BEGIN
    ALTER TABLE [Clients] ADD [TokenEndpointAuthMethod] nvarchar(40) NULL;
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205173603_UsedJti'
)
BEGIN
    CREATE TABLE [UsedJtis] (
        [Scope] nvarchar(150) NOT NULL,
        [JtiHash] nvarchar(64) NOT NULL,
        [ExpiresAt] datetimeoffset NOT NULL,
        CONSTRAINT [PK_UsedJtis] PRIMARY KEY ([Scope], [JtiHash])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205173603_UsedJti'
)
BEGIN
    CREATE INDEX [IX_UsedJtis_ExpiresAt] ON [UsedJtis] ([ExpiresAt]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205173603_UsedJti'
)
BEGIN
    INSERT INTO [__EFMigrationsHistory] ([MigrationId], [ProductVersion])
    VALUES (N'20261205173603_UsedJti', N'10.0.15');
END;

COMMIT;
GO

BEGIN TRANSACTION;
IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205174504_DPoP'
)
BEGIN
    ALTER TABLE [RefreshTokens] ADD [DPoPJkt] nvarchar(64) NULL;
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205174504_DPoP'
)
BEGIN
    ALTER TABLE [Clients] ADD [RequireDPoP] bit NOT NULL DEFAULT CAST(0 AS bit);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205174504_DPoP'
)
BEGIN
    ALTER TABLE [AuthorizationCodes] ADD [DPoPJkt] nvarchar(64) NULL;
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205174504_DPoP'
)
BEGIN
    INSERT INTO [__EFMigrationsHistory] ([MigrationId], [ProductVersion])
    VALUES (N'20261205174504_DPoP', N'10.0.15');
END;

COMMIT;
GO

BEGIN TRANSACTION;
IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205174833_ClientProfile'
)
BEGIN
    ALTER TABLE [Clients] ADD [Profile] int NOT NULL DEFAULT 0;
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205174833_ClientProfile'
)
BEGIN
    INSERT INTO [__EFMigrationsHistory] ([MigrationId], [ProductVersion])
    VALUES (N'20261205174833_ClientProfile', N'10.0.15');
END;

COMMIT;
GO

BEGIN TRANSACTION;
IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205225105_OpaqueUserInfoAccessTokens'
)
BEGIN
    ALTER TABLE [Clients] ADD [UserInfoAccessTokens] int NOT NULL DEFAULT 0;
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205225105_OpaqueUserInfoAccessTokens'
)
BEGIN
    INSERT INTO [__EFMigrationsHistory] ([MigrationId], [ProductVersion])
    VALUES (N'20261205225105_OpaqueUserInfoAccessTokens', N'10.0.15');
END;

COMMIT;
GO

BEGIN TRANSACTION;
IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261206113207_RefreshTokenIndexes'
)
BEGIN
    DROP INDEX [IX_RefreshTokens_FamilyId] ON [RefreshTokens];
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261206113207_RefreshTokenIndexes'
)
BEGIN
    DROP INDEX [IX_RefreshTokens_SessionId] ON [RefreshTokens];
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261206113207_RefreshTokenIndexes'
)
BEGIN
    DROP INDEX [IX_RefreshTokens_SubjectId] ON [RefreshTokens];
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261206113207_RefreshTokenIndexes'
)
BEGIN
    CREATE INDEX [IX_RefreshTokens_SubjectId_FamilyId] ON [RefreshTokens] ([SubjectId], [FamilyId]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261206113207_RefreshTokenIndexes'
)
BEGIN
    INSERT INTO [__EFMigrationsHistory] ([MigrationId], [ProductVersion])
    VALUES (N'20261206113207_RefreshTokenIndexes', N'10.0.15');
END;

COMMIT;
GO
