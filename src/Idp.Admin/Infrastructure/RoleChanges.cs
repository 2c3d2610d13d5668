using System.Text.Json;
using Idp.Accounts;
using Idp.Data;
using Idp.Data.Entities;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Idp.Admin.Infrastructure;

public static class RoleAuditTypes
{
    public const string RoleGranted = "admin.role_granted";
    public const string RoleWithdrawn = "admin.role_withdrawn";
    public const string RoleChangeRequested = "admin.role_change_requested";
    public const string RoleChangeRejected = "admin.role_change_rejected";
}

public enum RoleChangeOutcome
{
    /// <summary>The role is granted or withdrawn.</summary>
    Done,
    /// <summary>Recorded as pending: a second administrator must approve (admin, supervisor).</summary>
    AwaitingSecondAdmin,
    /// <summary>The pending change was rejected; nothing changed.</summary>
    Rejected,
    /// <summary>The one who asked for the change cannot approve it as well.</summary>
    SecondAdminRequired,
    OwnRoles,
    LastAdmin,
    ActorNotAdmin,
    AlreadyPending,
    NothingPending,
    NoChange,
    UnknownRole,
    NotFound,
}

/// <summary>A grant or withdrawal of <see cref="Role"/> waiting for a second administrator.</summary>
public sealed record PendingRoleChange(string Role, bool Grant, string RequestedBy, DateTimeOffset RequestedAt, string Reason);

/// <summary>
/// Grants and withdraws staff roles. Only administrators (by their roles in the database, not only their session)
/// change roles, never their own; <c>helpdesk</c> needs one administrator, <c>admin</c> and <c>supervisor</c> two
/// (four-eyes): the first call stores a <see cref="PendingRoleChange"/>, a second, different administrator approves or
/// rejects it. The last administrator keeps the role. Every step writes an audit event with who and why.
/// </summary>
/// <remarks>
/// A pending change lives in <c>AspNetUserTokens</c> (provider <see cref="PendingProvider"/>, name = role, value = JSON):
/// its key (user, provider, role) allows one pending change per user and role, and the row goes with the user.
/// </remarks>
public sealed class RoleChanges(IdpDbContext db, AuditTrail audit, TimeProvider clock, IHttpContextAccessor http)
{
    public const string PendingProvider = "idp:pending-role-change";

    public static bool NeedsFourEyes(string role) => role is StaffRoles.Admin or StaffRoles.Supervisor;

    public async Task<IReadOnlyList<PendingRoleChange>> ListPendingAsync(string userId, CancellationToken cancellationToken = default)
    {
        var rows = await db.UserTokens.AsNoTracking()
            .Where(t => t.UserId == userId && t.LoginProvider == PendingProvider)
            .ToListAsync(cancellationToken);
        return rows.Select(r => Read(r.Name, r.Value)).OfType<PendingRoleChange>().OrderBy(p => p.RequestedAt).ToList();
    }

    /// <summary>Grants (<paramref name="grant"/>) or withdraws a role, or records it for a second administrator.</summary>
    public async Task<RoleChangeOutcome> RequestAsync(string actorId, string userId, string role, bool grant, string reason, CancellationToken cancellationToken = default)
    {
        if (!StaffRoles.All.Contains(role))
            return RoleChangeOutcome.UnknownRole;
        if (await CheckAsync(actorId, userId, role, grant, cancellationToken) is { } refused)
            return refused;

        if (!NeedsFourEyes(role))
            return await ApplyAsync(userId, role, grant, cancellationToken, () =>
                audit.AddAction(grant ? RoleAuditTypes.RoleGranted : RoleAuditTypes.RoleWithdrawn, http.HttpContext, actorId, userId, details: $"{role}: {reason}"));

        if (await db.UserTokens.AnyAsync(t => t.UserId == userId && t.LoginProvider == PendingProvider && t.Name == role, cancellationToken))
            return RoleChangeOutcome.AlreadyPending;
        var pending = new PendingRoleChange(role, grant, actorId, clock.GetUtcNow(), reason);
        db.UserTokens.Add(new IdentityUserToken<string> { UserId = userId, LoginProvider = PendingProvider, Name = role, Value = JsonSerializer.Serialize(pending) });
        audit.AddAction(RoleAuditTypes.RoleChangeRequested, http.HttpContext, actorId, userId, details: $"{Verb(grant)} {role}: {reason}");
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear();
            return RoleChangeOutcome.AlreadyPending;
        }
        return RoleChangeOutcome.AwaitingSecondAdmin;
    }

    /// <summary>The second administrator's decision on a pending change of <paramref name="role"/>.</summary>
    public async Task<RoleChangeOutcome> DecideAsync(string actorId, string userId, string role, bool approve, string reason, CancellationToken cancellationToken = default)
    {
        var row = await db.UserTokens.AsNoTracking()
            .FirstOrDefaultAsync(t => t.UserId == userId && t.LoginProvider == PendingProvider && t.Name == role, cancellationToken);
        if (row is null || Read(row.Name, row.Value) is not { } pending)
            return RoleChangeOutcome.NothingPending;
        if (pending.RequestedBy == actorId)
            return RoleChangeOutcome.SecondAdminRequired;
        if (approve && await CheckAsync(actorId, userId, role, pending.Grant, cancellationToken) is { } refused)
            return refused;
        if (!approve && (userId == actorId || !await IsAdminAsync(actorId, cancellationToken)))
            return userId == actorId ? RoleChangeOutcome.OwnRoles : RoleChangeOutcome.ActorNotAdmin;

        var strategy = db.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(async () =>
        {
            db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            // Only the change this administrator saw: a concurrent decision or a newer request wins.
            var taken = await db.UserTokens
                .Where(t => t.UserId == userId && t.LoginProvider == PendingProvider && t.Name == role && t.Value == row.Value)
                .ExecuteDeleteAsync(cancellationToken) == 1;
            if (!taken)
                return RoleChangeOutcome.NothingPending;
            var details = $"{role}: {reason} (requested by {pending.RequestedBy}: {pending.Reason})";
            if (!approve)
            {
                audit.AddAction(RoleAuditTypes.RoleChangeRejected, http.HttpContext, actorId, userId, details: $"{Verb(pending.Grant)} {details}");
                await db.SaveChangesAsync(cancellationToken);
                await transaction.CommitAsync(cancellationToken);
                return RoleChangeOutcome.Rejected;
            }
            var outcome = await ChangeRoleAsync(userId, role, pending.Grant, cancellationToken);
            if (outcome != RoleChangeOutcome.Done)
                return outcome;
            audit.AddAction(pending.Grant ? RoleAuditTypes.RoleGranted : RoleAuditTypes.RoleWithdrawn, http.HttpContext, actorId, userId, details: details);
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return RoleChangeOutcome.Done;
        });
    }

    /// <summary>Why the change is refused, or null.</summary>
    private async Task<RoleChangeOutcome?> CheckAsync(string actorId, string userId, string role, bool grant, CancellationToken cancellationToken)
    {
        if (actorId == userId)
            return RoleChangeOutcome.OwnRoles;
        if (!await db.Users.AnyAsync(u => u.Id == userId, cancellationToken))
            return RoleChangeOutcome.NotFound;
        var has = await HasRoleAsync(userId, role, cancellationToken);
        if (has == grant)
            return RoleChangeOutcome.NoChange;
        // The invariant concerns the account, whoever asks (even a session whose admin role was withdrawn meanwhile).
        if (!grant && role == StaffRoles.Admin && await CountAdminsAsync(cancellationToken) <= 1)
            return RoleChangeOutcome.LastAdmin;
        if (!await IsAdminAsync(actorId, cancellationToken))
            return RoleChangeOutcome.ActorNotAdmin;
        return null;
    }

    private Task<RoleChangeOutcome> ApplyAsync(string userId, string role, bool grant, CancellationToken cancellationToken, Action auditIt)
    {
        var strategy = db.Database.CreateExecutionStrategy();
        return strategy.ExecuteAsync(async () =>
        {
            db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var outcome = await ChangeRoleAsync(userId, role, grant, cancellationToken);
            if (outcome != RoleChangeOutcome.Done)
                return outcome;
            auditIt();
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return RoleChangeOutcome.Done;
        });
    }

    /// <summary>Within the caller's transaction; renews the security stamp so the account's sessions see the change.</summary>
    private async Task<RoleChangeOutcome> ChangeRoleAsync(string userId, string role, bool grant, CancellationToken cancellationToken)
    {
        var roleId = await RoleIdAsync(role, cancellationToken);
        var user = await db.Users.FirstOrDefaultAsync(u => u.Id == userId, cancellationToken);
        if (roleId is null || user is null)
            return RoleChangeOutcome.NotFound;
        var link = await db.UserRoles.FirstOrDefaultAsync(l => l.UserId == userId && l.RoleId == roleId, cancellationToken);
        if (grant == (link is not null))
            return RoleChangeOutcome.NoChange;
        if (grant)
            db.UserRoles.Add(new IdentityUserRole<string> { UserId = userId, RoleId = roleId });
        else
        {
            if (role == StaffRoles.Admin && await CountAdminsAsync(cancellationToken) <= 1)
                return RoleChangeOutcome.LastAdmin;
            db.UserRoles.Remove(link!);
        }
        user.SecurityStamp = Guid.NewGuid().ToString("N");
        return RoleChangeOutcome.Done;
    }

    private Task<string?> RoleIdAsync(string role, CancellationToken cancellationToken) =>
        db.Roles.Where(r => r.Name == role).Select(r => r.Id).FirstOrDefaultAsync(cancellationToken);

    private async Task<bool> HasRoleAsync(string userId, string role, CancellationToken cancellationToken) =>
        await RoleIdAsync(role, cancellationToken) is { } roleId
        && await db.UserRoles.AnyAsync(l => l.UserId == userId && l.RoleId == roleId, cancellationToken);

    private Task<bool> IsAdminAsync(string userId, CancellationToken cancellationToken) => HasRoleAsync(userId, StaffRoles.Admin, cancellationToken);

    private async Task<int> CountAdminsAsync(CancellationToken cancellationToken) =>
        await RoleIdAsync(StaffRoles.Admin, cancellationToken) is { } roleId
            ? await db.UserRoles.CountAsync(l => l.RoleId == roleId, cancellationToken)
            : 0;

    private static string Verb(bool grant) => grant ? "grant" : "withdraw";

    private static PendingRoleChange? Read(string role, string? value)
    {
        if (value is null || !StaffRoles.All.Contains(role))
            return null;
        try
        {
            return JsonSerializer.Deserialize<PendingRoleChange>(value);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
