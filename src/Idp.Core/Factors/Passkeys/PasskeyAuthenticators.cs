using System.Buffers.Text;
using System.Linq.Expressions;
using Idp.Authentication;
using Idp.Configuration;
using Idp.Data;
using Idp.Data.Entities;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Idp.Factors.Passkeys;

/// <summary>
/// A WebAuthn ceremony's outcome, with the message key the page shows when it failed, and on success the
/// <c>amr</c> (<see cref="PasskeyAuthenticators.AmrOf"/>) and level (<see cref="PasskeyAuthenticators.LevelOf"/>) of the credential used.
/// </summary>
public sealed record PasskeyOutcome(bool Succeeded, string? Error = null, IReadOnlyList<string>? Amr = null, AuthenticationLevel? Level = null);

/// <summary>
/// Passkeys (WebAuthn) as a second factor, on ASP.NET Core Identity's passkey store (schema version 3) and its
/// <see cref="IPasskeyHandler{TUser}"/> — not <see cref="SignInManager{TUser}"/>'s passkey calls, which keep their
/// state in the cookie of Identity's own two-factor sign-in. The ceremony state (challenge) travels in a
/// data-protected, HttpOnly cookie of its own, bound to the user, valid five minutes, and is deleted when a
/// response is checked: a replayed response finds no state. The attestation is checked at registration by
/// <see cref="PasskeyAttestations"/>; <c>Idp:Passkeys:Policy</c> decides each passkey's level (<see cref="LevelOf"/>), and
/// a model whose metadata status turned to revoked or compromised is refused at sign-in too.
/// </summary>
public sealed class PasskeyAuthenticators(
    UserManager<IdpUser> users,
    IPasskeyHandler<IdpUser> handler,
    IDataProtectionProvider dataProtection,
    Metadata.PasskeyMetadata metadata,
    PasskeyAttestations attestations,
    ILogger<PasskeyAuthenticators> logger,
    TimeProvider clock) : ISecondFactor
{
    public const string ChallengePage = "/signin/passkey";
    public const string EnrolPage = "/enrol/passkey";
    private const string StateCookie = "idp.passkey";
    private static readonly TimeSpan StateLifetime = TimeSpan.FromMinutes(5);
    // Created on first use: every authorization builds the factor kinds to ask whether the user has one.
    private ITimeLimitedDataProtector States => field ??= dataProtection.CreateProtector("Idp.Factors.Passkeys.State").ToTimeLimitedDataProtector();

    public FactorKind Kind => FactorKind.Passkey;
    public AuthenticationLevel Level => AuthenticationLevel.PhishingResistant;

    /// <summary>
    /// The default for a device-bound passkey; each verification reports its credential's own values
    /// (<see cref="AmrOf"/>), which the pages hand to <see cref="SecondFactorFlow.CompleteAsync"/>.
    /// </summary>
    public IReadOnlyList<string> Amr { get; } = [AuthenticationMethods.HardwareKey, AuthenticationMethods.UserPresence];

    /// <summary>
    /// RFC 8176 values of one credential: <c>swk</c> for a synced passkey (backup eligible or backed up: its
    /// private key leaves the device), <c>hwk</c> for a device-bound one; <c>user</c> when user verification happened.
    /// </summary>
    public static IReadOnlyList<string> AmrOf(UserPasskeyInfo passkey)
    {
        var key = passkey.IsBackupEligible || passkey.IsBackedUp ? AuthenticationMethods.SoftwareKey : AuthenticationMethods.HardwareKey;
        return passkey.IsUserVerified ? [key, AuthenticationMethods.UserPresence] : [key];
    }

    /// <summary>The level one passkey reaches under <c>Idp:Passkeys:Policy</c> (<see cref="PasskeyAttestations.LevelOf"/>).</summary>
    public AuthenticationLevel LevelOf(UserPasskeyInfo passkey) => attestations.LevelOf(passkey);

    /// <summary>The passkey's model as the profile and the admin area show it.</summary>
    public AuthenticatorModel ModelOf(UserPasskeyInfo passkey)
    {
        var (aaguid, format) = PasskeyAttestations.RecordedOf(passkey);
        return new AuthenticatorModel(metadata.ModelOf(aaguid), aaguid, format, passkey.IsBackupEligible || passkey.IsBackedUp);
    }

    public bool IsFallback => false;
    public string ChallengePath => ChallengePage;
    public string? EnrolPath => EnrolPage;

    public async Task<IReadOnlyList<FactorInfo>> ListAsync(string subjectId, CancellationToken cancellationToken = default)
    {
        // The store reads passkeys by the user's id alone; loading the user first would cost a query on every sign-in decision.
        return (await users.GetPasskeysAsync(new IdpUser { Id = subjectId }))
            .Select(p => new FactorInfo(Id(p.CredentialId), FactorKind.Passkey, p.Name ?? "Passkey", p.CreatedAt, null, false,
                Level: LevelOf(p), Authenticator: ModelOf(p)))
            .ToList();
    }

    public Expression<Func<IdpDbContext, string, IQueryable<string>>> EnrolledBy => Enrolled;

    private static readonly Expression<Func<IdpDbContext, string, IQueryable<string>>> Enrolled = (db, subjectId) =>
        db.UserPasskeys.Where(p => p.UserId == subjectId).Select(p => p.UserId);

    public async Task<bool> RemoveAsync(string subjectId, string factorId, CancellationToken cancellationToken = default)
    {
        var user = await users.FindByIdAsync(subjectId);
        if (user is null || !TryCredentialId(factorId, out var credentialId) || await users.GetPasskeyAsync(user, credentialId) is null)
            return false;
        return (await users.RemovePasskeyAsync(user, credentialId)).Succeeded;
    }

    /// <summary>Renames one of the user's passkeys; false when it is not theirs.</summary>
    public async Task<bool> RenameAsync(string subjectId, string factorId, string name)
    {
        var user = await users.FindByIdAsync(subjectId);
        if (user is null || !TryCredentialId(factorId, out var credentialId) || await users.GetPasskeyAsync(user, credentialId) is not { } passkey)
            return false;
        passkey.Name = name.Trim()[..Math.Min(name.Trim().Length, 100)];
        return (await users.AddOrUpdatePasskeyAsync(user, passkey)).Succeeded;
    }

    public async Task<int> RemoveAllAsync(string subjectId, CancellationToken cancellationToken = default)
    {
        var user = await users.FindByIdAsync(subjectId);
        if (user is null)
            return 0;
        var removed = 0;
        foreach (var passkey in await users.GetPasskeysAsync(user))
        {
            if ((await users.RemovePasskeyAsync(user, passkey.CredentialId)).Succeeded)
                removed++;
        }
        return removed;
    }

    /// <summary>Options for <c>navigator.credentials.create</c> (JSON); the state goes into the ceremony cookie.</summary>
    public async Task<string> BeginEnrolmentAsync(HttpContext http, IdpUser user)
    {
        var entity = new PasskeyUserEntity { Id = user.Id, Name = user.AccountNumber, DisplayName = $"{user.GivenName} {user.FamilyName}".Trim() };
        var options = await handler.MakeCreationOptionsAsync(entity, http);
        SaveState(http, "create", user.Id, options.AttestationState);
        return options.CreationOptionsJson;
    }

    /// <summary>Checks the authenticator's response and stores the passkey under <paramref name="name"/>.</summary>
    public async Task<PasskeyOutcome> CompleteEnrolmentAsync(HttpContext http, IdpUser user, string? credentialJson, string name)
    {
        var state = TakeState(http, "create", user.Id);
        if (state is null)
            return new(false, "Passkey_Expired");
        if (string.IsNullOrEmpty(credentialJson))
            return new(false, "Passkey_Cancelled");
        var result = await handler.PerformAttestationAsync(new() { HttpContext = http, CredentialJson = credentialJson, AttestationState = state });
        if (!result.Succeeded)
            return new(false, PasskeyAttestations.RefusalIn(http)?.MessageKey ?? "Passkey_Refused");
        if (result.UserEntity.Id != user.Id || !result.Passkey.IsUserVerified)
            return new(false, "Passkey_Refused");
        result.Passkey.Name = name;
        return (await users.AddOrUpdatePasskeyAsync(user, result.Passkey)).Succeeded
            ? new(true, Amr: AmrOf(result.Passkey), Level: LevelOf(result.Passkey))
            : new(false, "Passkey_Refused");
    }

    /// <summary>
    /// Options for <c>navigator.credentials.get</c> (JSON): limited to the user's passkeys, or, without a user
    /// (password-less sign-in), open to any discoverable passkey of this relying party.
    /// </summary>
    public async Task<string> BeginAssertionAsync(HttpContext http, IdpUser? user)
    {
        var options = await handler.MakeRequestOptionsAsync(user, http);
        SaveState(http, "get", user?.Id ?? "", options.AssertionState);
        return options.RequestOptionsJson;
    }

    /// <summary>Password-less: the passkey names the user; a locked-out account is refused like a wrong passkey.</summary>
    public async Task<(PasskeyOutcome Outcome, IdpUser? User)> CompleteDiscoverableAssertionAsync(HttpContext http, string? credentialJson)
    {
        var state = TakeState(http, "get", "");
        if (state is null)
            return (new(false, "Passkey_Expired"), null);
        if (string.IsNullOrEmpty(credentialJson))
            return (new(false, "Passkey_Cancelled"), null);
        var result = await handler.PerformAssertionAsync(new() { HttpContext = http, CredentialJson = credentialJson, AssertionState = state });
        if (!result.Succeeded)
            return (new(false, await RefusalOfAsync(credentialJson, user: null)), null);
        if (!result.Passkey.IsUserVerified || await users.IsLockedOutAsync(result.User))
            return (new(false, "Passkey_Refused"), null);
        if (IsModelRefused(result.User.Id, result.Passkey))
            return (new(false, "Passkey_ModelRevoked"), null);
        await users.AddOrUpdatePasskeyAsync(result.User, result.Passkey);
        return (new(true, Amr: AmrOf(result.Passkey), Level: LevelOf(result.Passkey)), result.User);
    }

    /// <summary>
    /// Checks an assertion: the credential must be one of <paramref name="user"/>'s (another user's is refused), user
    /// verification must have happened, and the stored sign counter and backup flags are updated.
    /// </summary>
    public async Task<PasskeyOutcome> CompleteAssertionAsync(HttpContext http, IdpUser user, string? credentialJson)
    {
        var state = TakeState(http, "get", user.Id);
        if (state is null)
            return new(false, "Passkey_Expired");
        if (string.IsNullOrEmpty(credentialJson))
            return new(false, "Passkey_Cancelled");
        var result = await handler.PerformAssertionAsync(new() { HttpContext = http, CredentialJson = credentialJson, AssertionState = state });
        if (!result.Succeeded)
            return new(false, await RefusalOfAsync(credentialJson, user));
        if (result.User.Id != user.Id)
            return new(false, "Passkey_OtherUser");
        if (!result.Passkey.IsUserVerified)
            return new(false, "Passkey_Refused");
        if (IsModelRefused(user.Id, result.Passkey))
            return new(false, "Passkey_ModelRevoked");
        await users.AddOrUpdatePasskeyAsync(user, result.Passkey);
        return new(true, Amr: AmrOf(result.Passkey), Level: LevelOf(result.Passkey));
    }

    /// <summary>Whether the passkey's model has, since its registration, been given a status that refuses it (revoked, compromised).</summary>
    private bool IsModelRefused(string subjectId, UserPasskeyInfo passkey)
    {
        if (attestations.RefusedStatusOf(passkey) is not { } status)
            return false;
        var (aaguid, _) = PasskeyAttestations.RecordedOf(passkey);
        PasskeysLog.SignInRefusedByStatus(logger, subjectId, aaguid, status.ToString());
        return true;
    }

    /// <summary>
    /// The message for a failed assertion: a credential no longer registered (removed on the profile, or never
    /// registered here) gets "no longer registered", since trying again can never work; another user's gets
    /// "belongs to another account"; anything else "could not be verified".
    /// </summary>
    private async Task<string> RefusalOfAsync(string credentialJson, IdpUser? user)
    {
        if (CredentialIdOf(credentialJson) is not { } credentialId)
            return "Passkey_Refused";
        return await users.FindByPasskeyIdAsync(credentialId) switch
        {
            null => "Passkey_NotRegistered",
            { } owner when user is not null && owner.Id != user.Id => "Passkey_OtherUser",
            _ => "Passkey_Refused",
        };
    }

    /// <summary>The credential id the response names (its <c>id</c>), or null when it names none.</summary>
    private static byte[]? CredentialIdOf(string credentialJson)
    {
        try
        {
            using var document = System.Text.Json.JsonDocument.Parse(credentialJson, new System.Text.Json.JsonDocumentOptions { MaxDepth = 8 });
            if (document.RootElement.ValueKind != System.Text.Json.JsonValueKind.Object
                || !document.RootElement.TryGetProperty("id", out var id) || id.ValueKind != System.Text.Json.JsonValueKind.String
                || !TryCredentialId(id.GetString()!, out var credentialId) || credentialId.Length == 0)
                return null;
            return credentialId;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    private void SaveState(HttpContext http, string ceremony, string subjectId, string? state)
    {
        var value = States.Protect($"{ceremony}|{subjectId}|{state}", clock.GetUtcNow().Add(StateLifetime));
        http.Response.Cookies.Append(StateCookie, value, new CookieOptions
        {
            HttpOnly = true,
            IsEssential = true,
            SameSite = SameSiteMode.Strict,
            Secure = http.Request.IsHttps,
            Path = "/",
            MaxAge = StateLifetime,
        });
    }

    private string? TakeState(HttpContext http, string ceremony, string subjectId)
    {
        var value = http.Request.Cookies[StateCookie];
        http.Response.Cookies.Delete(StateCookie, new CookieOptions { Path = "/" });
        if (string.IsNullOrEmpty(value) || value.Length > 20_000)
            return null;
        try
        {
            var parts = States.Unprotect(value, out var expires).Split('|', 3);
            if (expires < clock.GetUtcNow() || parts.Length != 3 || parts[0] != ceremony || parts[1] != subjectId)
                return null;
            return parts[2];
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return null;
        }
    }

    private static string Id(byte[] credentialId) => Base64Url.EncodeToString(credentialId);

    private static bool TryCredentialId(string id, out byte[] credentialId)
    {
        credentialId = [];
        if (string.IsNullOrEmpty(id) || id.Length > 1400)
            return false;
        try
        {
            credentialId = Base64Url.DecodeFromChars(id);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
