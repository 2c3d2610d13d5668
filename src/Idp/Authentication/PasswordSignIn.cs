using System.Security.Cryptography;
using Idp.Accounts;
using Idp.Configuration;
using Idp.Data.Entities;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Idp.Authentication;

public enum PasswordSignInStatus
{
    Succeeded,
    /// <summary>Unknown account, wrong password or locked: the user is told the same for all three.</summary>
    Failed,
    /// <summary>The e-mail address belongs to several accounts: the user must type the account number.</summary>
    AmbiguousLogin,
    /// <summary>The password was right, but the address is not confirmed yet.</summary>
    EmailNotConfirmed,
}

public sealed record PasswordSignInResult(PasswordSignInStatus Status, IdpUser? User = null);

/// <summary>
/// Checks an account number or e-mail and a password. Lockout is our own rather than Identity's so that each
/// lockout can last twice as long as the one before (<see cref="IdpUser.LockoutCount"/>) and time comes from
/// <see cref="TimeProvider"/>. Unknown accounts cost one password hash too, so timing does not tell them apart.
/// </summary>
public sealed class PasswordSignIn(
    UserManager<IdpUser> users,
    IPasswordHasher<IdpUser> hasher,
    AccountLookup lookup,
    AuditTrail audit,
    TimeProvider clock,
    Operations.IdpMetrics metrics,
    IOptions<IdpOptions> options,
    ILogger<PasswordSignIn> logger)
{
    private static readonly TimeSpan MaxLockout = TimeSpan.FromDays(1);
    private static string? dummyHash;

    public async Task<PasswordSignInResult> CheckAsync(HttpContext http, string? login, string? password, string? clientId, CancellationToken cancellationToken = default)
    {
        var result = await CheckPasswordAsync(http, login, password, clientId, cancellationToken);
        metrics.SignIn(result.Status);
        return result;
    }

    private async Task<PasswordSignInResult> CheckPasswordAsync(HttpContext http, string? login, string? password, string? clientId, CancellationToken cancellationToken)
    {
        password ??= "";
        var accounts = await lookup.FindAsync(login, max: 2, cancellationToken);
        if (accounts.Count != 1)
        {
            BurnPasswordHash(password);
            if (accounts.Count > 1)
            {
                SignInLog.AmbiguousLogin(logger);
                return new PasswordSignInResult(PasswordSignInStatus.AmbiguousLogin);
            }
            SignInLog.UnknownAccount(logger);
            await audit.RecordAsync(AuditEventTypes.SignInFailed, http, clientId: clientId, details: "unknown account", cancellationToken: cancellationToken);
            return new PasswordSignInResult(PasswordSignInStatus.Failed);
        }

        var user = accounts[0];
        var now = clock.GetUtcNow();
        if (user.LockoutEnabled && user.LockoutEnd > now)
        {
            BurnPasswordHash(password);
            SignInLog.LockedOut(logger, user.Id);
            await audit.RecordAsync(AuditEventTypes.SignInFailed, http, user.Id, clientId, "locked", cancellationToken);
            return new PasswordSignInResult(PasswordSignInStatus.Failed);
        }

        bool passwordMatches;
        if (user.PasswordHash is null)
        {
            BurnPasswordHash(password);
            passwordMatches = false;
        }
        else
        {
            // Also rehashes with the current hasher settings when needed.
            passwordMatches = await users.CheckPasswordAsync(user, password);
        }

        if (!passwordMatches)
        {
            RegisterFailure(user, now, http, clientId);
            await users.UpdateAsync(user);
            return new PasswordSignInResult(PasswordSignInStatus.Failed);
        }

        user.AccessFailedCount = 0;
        user.LockoutCount = 0;
        user.LockoutEnd = null;
        if (options.Value.Accounts.RequireConfirmedEmail && !user.EmailConfirmed)
        {
            audit.Add(AuditEventTypes.SignInEmailNotConfirmed, http, user.Id, clientId);
            await users.UpdateAsync(user);
            SignInLog.EmailNotConfirmed(logger, user.Id);
            return new PasswordSignInResult(PasswordSignInStatus.EmailNotConfirmed, user);
        }

        audit.Add(AuditEventTypes.SignInSucceeded, http, user.Id, clientId, "pwd");
        await users.UpdateAsync(user);
        SignInLog.PasswordAccepted(logger, user.Id);
        return new PasswordSignInResult(PasswordSignInStatus.Succeeded, user);
    }

    /// <summary>Lockout duration for the n-th lockout in a row: LockoutBase · 2^(n−1), at most a day.</summary>
    public static TimeSpan LockoutDuration(TimeSpan lockoutBase, int lockoutCount)
    {
        var exponent = Math.Clamp(lockoutCount - 1, 0, 30);
        var ticks = lockoutBase.Ticks * Math.Pow(2, exponent);
        return ticks >= MaxLockout.Ticks ? MaxLockout : TimeSpan.FromTicks((long)ticks);
    }

    private void RegisterFailure(IdpUser user, DateTimeOffset now, HttpContext http, string? clientId)
    {
        audit.Add(AuditEventTypes.SignInFailed, http, user.Id, clientId, "wrong password");
        SignInLog.WrongPassword(logger, user.Id);
        if (!user.LockoutEnabled)
            return;

        user.AccessFailedCount++;
        var accounts = options.Value.Accounts;
        if (user.AccessFailedCount < accounts.MaxFailedAccessAttempts)
            return;

        user.LockoutCount++;
        var duration = LockoutDuration(accounts.LockoutBase, user.LockoutCount);
        user.LockoutEnd = now + duration;
        user.AccessFailedCount = 0;
        audit.Add(AuditEventTypes.AccountLocked, http, user.Id, clientId, $"lockout {user.LockoutCount} for {duration}");
        SignInLog.AccountLocked(logger, user.Id, user.LockoutCount, duration);
    }

    private void BurnPasswordHash(string password)
    {
        var probe = new IdpUser();
        var hash = dummyHash ??= hasher.HashPassword(probe, Convert.ToBase64String(RandomNumberGenerator.GetBytes(16)));
        hasher.VerifyHashedPassword(probe, hash, password);
    }
}

internal static partial class SignInLog
{
    [LoggerMessage(EventId = 2100, Level = LogLevel.Information, Message = "Password accepted for {SubjectId}")]
    public static partial void PasswordAccepted(ILogger logger, string subjectId);

    [LoggerMessage(EventId = 2101, Level = LogLevel.Information, Message = "Sign-in failed: unknown account")]
    public static partial void UnknownAccount(ILogger logger);

    [LoggerMessage(EventId = 2102, Level = LogLevel.Information, Message = "Sign-in failed: wrong password for {SubjectId}")]
    public static partial void WrongPassword(ILogger logger, string subjectId);

    [LoggerMessage(EventId = 2103, Level = LogLevel.Information, Message = "Sign-in refused: {SubjectId} is locked out")]
    public static partial void LockedOut(ILogger logger, string subjectId);

    [LoggerMessage(EventId = 2104, Level = LogLevel.Warning, Message = "Account {SubjectId} locked (lockout {LockoutCount}) for {Duration}")]
    public static partial void AccountLocked(ILogger logger, string subjectId, int lockoutCount, TimeSpan duration);

    [LoggerMessage(EventId = 2105, Level = LogLevel.Information, Message = "Sign-in stopped: e-mail of {SubjectId} not confirmed")]
    public static partial void EmailNotConfirmed(ILogger logger, string subjectId);

    [LoggerMessage(EventId = 2106, Level = LogLevel.Information, Message = "Sign-in asked for the account number: the e-mail address belongs to several accounts")]
    public static partial void AmbiguousLogin(ILogger logger);
}
