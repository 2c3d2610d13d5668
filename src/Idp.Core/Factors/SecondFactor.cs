using System.Linq.Expressions;
using Idp.Authentication;
using Idp.Data;

namespace Idp.Factors;

/// <summary>The kinds of second factor. Persisted by value: never renumber, keep retired values.</summary>
public enum FactorKind
{
    Totp = 1,
    RecoveryCode = 2,
    Push = 3,
    Passkey = 4,
}

/// <summary>When a second factor is asked for. Ordered weakest first: the stricter of global and client policy applies.</summary>
public enum MfaPolicy
{
    Never = 1,
    StepUpOnly = 2,
    Required = 3,
}

/// <summary>
/// One enrolled factor (or, for recovery codes, the set of them) as the UI shows it. <paramref name="Level"/>: what this
/// one reaches when it is less than its kind's <see cref="ISecondFactor.Level"/> (a passkey outside the passkey policy).
/// </summary>
public sealed record FactorInfo(
    string Id,
    FactorKind Kind,
    string Name,
    DateTimeOffset CreatedAt,
    DateTimeOffset? LastUsedAt,
    bool Locked,
    int? Remaining = null,
    AuthenticationLevel? Level = null,
    AuthenticatorModel? Authenticator = null);

/// <summary>
/// A passkey's authenticator as the profile and the admin area show it: the model's name from the FIDO metadata (null:
/// unknown), its AAGUID, the attestation format, and whether it is synced (backup eligible).
/// </summary>
public sealed record AuthenticatorModel(string? Name, Guid Aaguid, string Format, bool Synced);

/// <summary>
/// What every second factor offers the sign-in flow, step-up, the profile page and the helpdesk reset. Each
/// factor has its own challenge page (a code field, a push wait, a WebAuthn ceremony …) that verifies and then
/// calls <see cref="Authentication.SecondFactorFlow.CompleteAsync"/>; nothing else of the flow knows the kinds.
/// </summary>
public interface ISecondFactor
{
    FactorKind Kind { get; }

    /// <summary>The level a successful verification reaches.</summary>
    AuthenticationLevel Level { get; }

    /// <summary>RFC 8176 values this factor adds to the session (besides <c>mfa</c>, which the flow adds).</summary>
    IReadOnlyList<string> Amr { get; }

    /// <summary>A fallback (recovery codes): offered, never chosen first, never counted as an enrolled factor.</summary>
    bool IsFallback { get; }

    /// <summary>The page that asks for this factor (gets <c>request_id</c>).</summary>
    string ChallengePath { get; }

    /// <summary>The page that enrols one, or null when it cannot be enrolled by the user directly.</summary>
    string? EnrolPath { get; }

    Task<IReadOnlyList<FactorInfo>> ListAsync(string subjectId, CancellationToken cancellationToken = default);

    /// <summary>
    /// The user's id once per factor of this kind they have, as a query of the context and the user's id: the
    /// registry joins every kind's into one query and compiles it once (<see cref="FactorRegistry.HasPrimaryAsync"/>).
    /// One static tree per kind: the kinds are built for every authorization, and a tree built per instance cost each its nodes.
    /// </summary>
    Expression<Func<IdpDbContext, string, IQueryable<string>>> EnrolledBy { get; }

    /// <summary>Removes one; false when it is not the user's.</summary>
    Task<bool> RemoveAsync(string subjectId, string factorId, CancellationToken cancellationToken = default);

    /// <summary>Removes every one of the user's factors of this kind (helpdesk reset, last factor removed).</summary>
    Task<int> RemoveAllAsync(string subjectId, CancellationToken cancellationToken = default);
}
