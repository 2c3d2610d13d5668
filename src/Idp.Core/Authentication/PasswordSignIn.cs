using System.Security.Cryptography;
using Idp.Accounts;
using Idp.Configuration;
using Idp.Data;
using Idp.Data.Entities;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Idp.Authentication;

public enum PasswordSignInStatus
{
    Succeeded,
    /// <summary>Unknown account, wrong password or locked: the user is told the same for all three.</summary>
    Failed,
    /// <summary>The password matches several accounts of the e-mail address: the user must type the account number.</summary>
    AmbiguousLogin,
    /// <summary>The password was right, but the address is not confirmed yet.</summary>
    EmailNotConfirmed,
}

/// <summary>Where the password was typed: the sign-in form, or the authenticator app registering a device.</summary>
public enum PasswordSignInChannel
{
    SignInForm,
    DeviceRegistration,
}

public sealed record PasswordSignInResult(PasswordSignInStatus Status, IdpUser? User = null);

/// <summary>
/// The one password check, for the sign-in form and the device API alike. Lockout is our own rather than
/// Identity's so that each lockout can last twice as long as the one before (<see cref="IdpUser.LockoutCount"/>)
/// and time comes from <see cref="TimeProvider"/>.
/// <para>
/// An e-mail address may belong to several accounts; the password decides which one is meant, so nobody learns
/// that other accounts use the address before proving a password. Each check of an e-mail address costs exactly
/// <see cref="MaxAccountsPerEmail"/> password hashes (dummy ones for unknown or locked accounts and to fill up),
/// an account number exactly one: timing tells neither whether an account exists or is locked, nor how many
/// accounts share an address. A locked account is never checked. A wrong password counts a failure on every
/// account with the address, as each was tried: an address shared by several accounts locks each of them after
/// as many wrong passwords as a single account, no sooner, and gives no more guesses per account.
/// </para>
/// </summary>
public sealed class PasswordSignIn(
    UserManager<IdpUser> users,
    IPasswordHasher<IdpUser> hasher,
    AccountLookup lookup,
    IdpDbContext db,
    AuditTrail audit,
    TimeProvider clock,
    Operations.IdpMetrics metrics,
    IOptions<IdpOptions> options,
    ILogger<PasswordSignIn> logger)
{
    /// <summary>
    /// The accounts of one e-mail address a password is checked against. Each costs a hash on every e-mail
    /// sign-in; accounts beyond these (by account number) sign in with their account number.
    /// </summary>
    public const int MaxAccountsPerEmail = 3;

    private static readonly TimeSpan MaxLockout = TimeSpan.FromDays(1);
    private static string? dummyHash;

    /// <summary>The sign-in form's check.</summary>
    public Task<PasswordSignInResult> CheckAsync(HttpContext? http, string? login, string? password, string? clientId, CancellationToken cancellationToken = default) =>
        CheckAsync(http, login, password, clientId, PasswordSignInChannel.SignInForm, cancellationToken);

    public async Task<PasswordSignInResult> CheckAsync(
        HttpContext? http, string? login, string? password, string? clientId, PasswordSignInChannel channel, CancellationToken cancellationToken)
    {
        var result = await CheckPasswordAsync(http, login, password, clientId, channel, cancellationToken);
        metrics.SignIn(result.Status);
        return result;
    }

    private async Task<PasswordSignInResult> CheckPasswordAsync(HttpContext? http, string? login, string? password, string? clientId, PasswordSignInChannel channel, CancellationToken cancellationToken)
    {
        password ??= "";
        var hashes = AccountLookup.IsEmail(login) ? MaxAccountsPerEmail : 1;
        var accounts = await lookup.FindAsync(login, hashes, cancellationToken);
        var now = clock.GetUtcNow();

        var matching = new List<IdpUser>();
        var wrong = new List<IdpUser>();
        var locked = new List<IdpUser>();
        foreach (var account in accounts)
        {
            if (account.LockoutEnabled && account.LockoutEnd > now)
            {
                BurnPasswordHash(password);
                locked.Add(account);
            }
            else if (account.PasswordHash is null)
            {
                BurnPasswordHash(password);
                wrong.Add(account);
            }
            // Also rehashes with the current hasher settings when needed.
            else if (await users.CheckPasswordAsync(account, password))
                matching.Add(account);
            else
                wrong.Add(account);
        }
        for (var i = accounts.Count; i < hashes; i++)
            BurnPasswordHash(password);

        if (matching.Count == 1)
            return await SucceedAsync(matching[0], http, clientId, channel, cancellationToken);
        if (matching.Count > 1)
        {
            // Only now, with a password proven, may the user learn that the address has several accounts.
            SignInLog.AmbiguousLogin(logger, matching.Count);
            return new PasswordSignInResult(PasswordSignInStatus.AmbiguousLogin);
        }

        var via = Via(channel);
        if (accounts.Count == 0)
        {
            SignInLog.UnknownAccount(logger);
            audit.Add(AuditEventTypes.SignInFailed, http, clientId: clientId, details: "unknown account" + via);
        }
        foreach (var account in locked)
        {
            SignInLog.LockedOut(logger, account.Id);
            audit.Add(AuditEventTypes.SignInFailed, http, account.Id, clientId, "locked" + via);
        }
        await RegisterFailuresAsync(wrong, now, http, clientId, via, cancellationToken);
        return new PasswordSignInResult(PasswordSignInStatus.Failed);
    }

    /// <summary>Lockout duration for the n-th lockout in a row: LockoutBase · 2^(n−1), at most a day.</summary>
    public static TimeSpan LockoutDuration(TimeSpan lockoutBase, int lockoutCount)
    {
        var exponent = Math.Clamp(lockoutCount - 1, 0, 30);
        var ticks = lockoutBase.Ticks * Math.Pow(2, exponent);
        return ticks >= MaxLockout.Ticks ? MaxLockout : TimeSpan.FromTicks((long)ticks);
    }

    private async Task<PasswordSignInResult> SucceedAsync(IdpUser user, HttpContext? http, string? clientId, PasswordSignInChannel channel, CancellationToken cancellationToken)
    {
        await ClearFailuresAsync(user, cancellationToken);
        // The device API goes on to an SMS code to the account's phone; an unconfirmed address does not stop it.
        if (channel == PasswordSignInChannel.SignInForm && options.Value.Accounts.RequireConfirmedEmail && !user.EmailConfirmed)
        {
            audit.Add(AuditEventTypes.SignInEmailNotConfirmed, http, user.Id, clientId);
            await db.SaveChangesAsync(cancellationToken);
            SignInLog.EmailNotConfirmed(logger, user.Id);
            return new PasswordSignInResult(PasswordSignInStatus.EmailNotConfirmed, user);
        }

        // A device registration is audited as such once its SMS code has gone out.
        if (channel == PasswordSignInChannel.SignInForm)
            audit.Add(AuditEventTypes.SignInSucceeded, http, user.Id, clientId, "pwd");
        await db.SaveChangesAsync(cancellationToken);
        SignInLog.PasswordAccepted(logger, user.Id);
        return new PasswordSignInResult(PasswordSignInStatus.Succeeded, user);
    }

    /// <summary>
    /// Clears the failure count and lockout in the database itself rather than writing the account back: the same
    /// account signing in from two browsers at once (on one node or two) must not fail on, or undo, the other's
    /// change of the row.
    /// </summary>
    private async Task ClearFailuresAsync(IdpUser user, CancellationToken cancellationToken)
    {
        if (user.AccessFailedCount != 0 || user.LockoutCount != 0 || user.LockoutEnd is not null)
        {
            await db.Users.Where(u => u.Id == user.Id).ExecuteUpdateAsync(set => set
                .SetProperty(u => u.AccessFailedCount, 0)
                .SetProperty(u => u.LockoutCount, 0)
                .SetProperty(u => u.LockoutEnd, (DateTimeOffset?)null), cancellationToken);
        }
        db.Written(user, u => u.AccessFailedCount, 0);
        db.Written(user, u => u.LockoutCount, 0);
        db.Written(user, u => u.LockoutEnd, null);
    }

    /// <summary>
    /// Counts a failure on each account in the database itself, so that guesses sent at once are each counted (a
    /// count read, raised and written back would lose them), in the same few statements whatever the number of
    /// accounts. The account whose count reaches the limit is locked, for twice as long as the time before.
    /// </summary>
    private async Task RegisterFailuresAsync(List<IdpUser> wrong, DateTimeOffset now, HttpContext? http, string? clientId, string via, CancellationToken cancellationToken)
    {
        foreach (var account in wrong)
        {
            audit.Add(AuditEventTypes.SignInFailed, http, account.Id, clientId, "wrong password" + via);
            SignInLog.WrongPassword(logger, account.Id);
        }
        var ids = wrong.Where(u => u.LockoutEnabled).Select(u => u.Id).ToList();
        if (ids.Count > 0)
        {
            var accounts = options.Value.Accounts;
            var max = accounts.MaxFailedAccessAttempts;
            await db.Users.Where(u => ids.Contains(u.Id) && u.LockoutEnabled)
                .ExecuteUpdateAsync(set => set.SetProperty(u => u.AccessFailedCount, u => u.AccessFailedCount + 1), cancellationToken);
            var reached = await db.Users.AsNoTracking()
                .Where(u => ids.Contains(u.Id) && u.AccessFailedCount >= max)
                .Select(u => new { u.Id, u.LockoutCount })
                .ToListAsync(cancellationToken);
            foreach (var account in reached)
            {
                var lockoutCount = account.LockoutCount + 1;
                var duration = LockoutDuration(accounts.LockoutBase, lockoutCount);
                var lockoutEnd = now + duration;
                // Only one of the requests that reached the limit together locks the account.
                var locked = await db.Users
                    .Where(u => u.Id == account.Id && u.LockoutCount == account.LockoutCount && u.AccessFailedCount >= max)
                    .ExecuteUpdateAsync(set => set
                        .SetProperty(u => u.LockoutCount, lockoutCount)
                        .SetProperty(u => u.LockoutEnd, lockoutEnd)
                        .SetProperty(u => u.AccessFailedCount, 0), cancellationToken);
                if (locked != 1)
                    continue;
                audit.Add(AuditEventTypes.AccountLocked, http, account.Id, clientId, $"lockout {lockoutCount} for {duration}{via}");
                SignInLog.AccountLocked(logger, account.Id, lockoutCount, duration);
            }
        }
        // The tracked copies are stale now; nothing later in this request may write them back.
        foreach (var account in wrong)
            db.Entry(account).State = EntityState.Detached;
        await db.SaveChangesAsync(cancellationToken);
    }

    private static string Via(PasswordSignInChannel channel) =>
        channel == PasswordSignInChannel.DeviceRegistration ? " (device registration)" : "";

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

    [LoggerMessage(EventId = 2106, Level = LogLevel.Information, Message = "Sign-in asked for the account number: the password matches {Count} accounts of the e-mail address")]
    public static partial void AmbiguousLogin(ILogger logger, int count);
}
