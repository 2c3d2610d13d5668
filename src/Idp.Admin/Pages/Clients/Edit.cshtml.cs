using System.ComponentModel.DataAnnotations;
using System.Text.RegularExpressions;
using Idp.Accounts;
using Idp.Admin.Authentication;
using Idp.Admin.Infrastructure;
using Idp.Admin.Resources;
using Idp.Configuration;
using Idp.Data;
using Idp.Data.Entities;
using Idp.Factors;
using Idp.Helpdesk;
using Idp.Protocol.Clients;
using Idp.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;

namespace Idp.Admin.Pages.Clients;

/// <summary>
/// Create a portal, edit its redirect URIs, MFA policy and party, rotate its secret (shown once, stored as SHA-256;
/// the previous one stays valid for <see cref="AdminOptions.SecretRotationOverlap"/>). A portal declared in Idp's
/// configuration is owned there: shown read-only, and every change to it is refused.
/// </summary>
[Authorize(Policy = StaffPolicies.Admin)]
public sealed partial class EditModel(
    IdpDbContext db,
    IClientStore store,
    AuditTrail audit,
    TimeProvider clock,
    SlaCalendar calendar,
    IOptions<AdminOptions> options,
    IStringLocalizer<AdminResource> T) : PageModel
{
    public sealed class ClientInput
    {
        [Required, StringLength(100), RegularExpression("^[a-z0-9][a-z0-9._-]*$")]
        public string ClientId { get; set; } = "";
        [Required, StringLength(200)]
        public string DisplayName { get; set; } = "";
        public string RedirectUris { get; set; } = "";
        public string? PostLogoutRedirectUris { get; set; }
        public bool ThirdParty { get; set; }
        public bool Confidential { get; set; } = true;
        /// <summary>A confidential portal with a JWKS URI authenticates with private_key_jwt and gets no secret.</summary>
        [StringLength(2000)]
        public string? JwksUri { get; set; }
        public MfaPolicy? MfaPolicy { get; set; }
        public bool Enabled { get; set; } = true;
        [Required, StringLength(500)]
        public string Reason { get; set; } = "";
    }

    [BindProperty]
    public ClientInput Input { get; set; } = new();

    [BindProperty]
    public string? RotateReason { get; set; }

    public bool IsNew { get; private set; }
    public Client? Existing { get; private set; }

    /// <summary>The key ids of an inline JWKS, for the page (the keys themselves are public, but long).</summary>
    public string InlineKeyIds => Existing?.Jwks is { } jwks && ClientJwks.TryParse(jwks, out var keys, out _)
        ? string.Join(", ", keys.Select(k => string.IsNullOrEmpty(k.Kid) ? k.Kty : k.Kid))
        : "";

    /// <summary>A secret just made: shown in this one response, never again.</summary>
    public string? NewSecret { get; private set; }

    /// <summary>Owned by Idp's configuration: nothing here may change it.</summary>
    public bool IsReadOnly => Existing is { Source: ClientSource.Configuration };

    public TimeSpan RotationOverlap => options.Value.SecretRotationOverlap;

    /// <summary>Until when the previous secret is accepted beside the current one (zone named), or null when it is not.</summary>
    public string? PreviousSecretValidUntil =>
        Existing is { PreviousSecretHash: not null, PreviousSecretExpiresAt: { } until } && until > clock.GetUtcNow() ? calendar.Local(until) : null;

    public async Task<IActionResult> OnGetAsync(string id)
    {
        if (id == "new")
        {
            IsNew = true;
            return Page();
        }
        Existing = await db.Clients.AsNoTracking().FirstOrDefaultAsync(c => c.ClientId == id, HttpContext.RequestAborted);
        if (Existing is null)
            return NotFound();
        Input = new ClientInput
        {
            ClientId = Existing.ClientId,
            DisplayName = Existing.DisplayName,
            RedirectUris = string.Join("\n", Existing.RedirectUris),
            PostLogoutRedirectUris = string.Join("\n", Existing.PostLogoutRedirectUris),
            ThirdParty = Existing.IsThirdParty,
            Confidential = !Existing.IsPublic,
            MfaPolicy = Existing.MfaPolicy,
            Enabled = Existing.Enabled,
        };
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string id)
    {
        IsNew = id == "new";
        var client = IsNew ? null : await db.Clients.FirstOrDefaultAsync(c => c.ClientId == id, HttpContext.RequestAborted);
        if (!IsNew && client is null)
            return NotFound();
        Existing = client;
        if (IsReadOnly)
            return await RefuseAsync(id, "Input.ClientId", T["This portal is declared in configuration ({0}): change it there.", client!.ConfigurationKey ?? "Idp:Clients"]);
        if (!IsNew)
            Input.ClientId = id;

        var redirectUris = Lines(Input.RedirectUris);
        var postLogout = Lines(Input.PostLogoutRedirectUris);
        if (redirectUris.Count == 0)
            ModelState.AddModelError("Input.RedirectUris", T["At least one redirect URI."]);
        foreach (var uri in redirectUris.Concat(postLogout).Where(u => !IdpOptionsValidator.IsValidRedirectUri(u)))
            ModelState.AddModelError("Input.RedirectUris", T["'{0}' is not a valid redirect URI (absolute, no fragment, https or http on loopback).", uri]);
        var jwksUri = IsNew && Input.Confidential && !string.IsNullOrWhiteSpace(Input.JwksUri) ? Input.JwksUri.Trim() : null;
        if (jwksUri is not null && !IdpOptionsValidator.IsValidRedirectUri(jwksUri))
            ModelState.AddModelError("Input.JwksUri", T["'{0}' is not a valid JWKS URI (absolute, https or http on loopback).", jwksUri]);
        if (IsNew && await db.Clients.AnyAsync(c => c.ClientId == Input.ClientId, HttpContext.RequestAborted))
            ModelState.AddModelError("Input.ClientId", T["A portal with this client id exists."]);
        if (!ModelState.IsValid)
            return Page();

        var now = clock.GetUtcNow();
        if (client is null)
        {
            client = new Client
            {
                ClientId = Input.ClientId,
                AllowedGrantTypes = ["authorization_code", "refresh_token"],
                AllowedScopes = ["openid", "profile", "email", "offline_access"],
                CreatedAt = now,
                Source = ClientSource.Admin,
            };
            if (jwksUri is not null)
            {
                // One method per client: a key client never gets a secret.
                client.TokenEndpointAuthMethod = ClientAuthMethods.PrivateKeyJwt;
                client.JwksUri = jwksUri;
            }
            else if (Input.Confidential)
            {
                NewSecret = Hashing.RandomToken(32);
                client.SecretHash = Hashing.Sha256(NewSecret);
            }
            db.Clients.Add(client);
        }
        client.DisplayName = Input.DisplayName.Trim();
        client.RedirectUris = redirectUris;
        client.PostLogoutRedirectUris = postLogout;
        client.IsThirdParty = Input.ThirdParty;
        client.MfaPolicy = Input.MfaPolicy;
        client.Enabled = Input.Enabled;
        client.Source = ClientSource.Admin;
        client.UpdatedAt = now;
        audit.AddAction(IsNew ? AdminAuditTypes.ClientCreated : AdminAuditTypes.ClientUpdated, HttpContext, User.Subject(), clientId: client.ClientId,
            details: $"redirect_uris={string.Join(' ', redirectUris)}; auth_method={client.AuthMethod}; third_party={client.IsThirdParty}; mfa={client.MfaPolicy?.ToString() ?? "global"}; enabled={client.Enabled}: {Input.Reason.Trim()}");
        await db.SaveChangesAsync(HttpContext.RequestAborted);
        store.Invalidate(client.ClientId);

        if (NewSecret is not null)
        {
            Existing = client;
            IsNew = false;
            return Page();
        }
        TempData["Notice"] = T["The portal is saved."].Value;
        return Redirect($"/clients/{Uri.EscapeDataString(client.ClientId)}");
    }

    public async Task<IActionResult> OnPostRotateSecretAsync(string id)
    {
        var client = await db.Clients.FirstOrDefaultAsync(c => c.ClientId == id, HttpContext.RequestAborted);
        if (client is null)
            return NotFound();
        Existing = client;
        ModelState.Clear();
        if (IsReadOnly)
            return await RefuseAsync(id, nameof(RotateReason), T["This portal is declared in configuration ({0}): rotate its secret there (Secret and PreviousSecret with PreviousSecretValidUntil).", client.ConfigurationKey ?? "Idp:Clients"]);
        if (client.IsPublic)
            return await RefuseAsync(id, nameof(RotateReason), T["A public portal has no secret to rotate."], StatusCodes.Status400BadRequest);
        // A key client has no secret to rotate (one method per client); giving it one would be a second way in.
        if (client.AuthMethod is not (ClientAuthMethods.ClientSecretBasic or ClientAuthMethods.ClientSecretPost))
            return BadRequest();
        if (string.IsNullOrWhiteSpace(RotateReason))
        {
            ModelState.AddModelError(nameof(RotateReason), T["Give a reason: it goes into the audit log."]);
            await OnGetAsync(id);
            return Page();
        }
        var now = clock.GetUtcNow();
        NewSecret = Hashing.RandomToken(32);
        // The secret in use until now keeps working for the overlap, so the portal can switch without an outage. A
        // rotation during an overlap ends the earlier one: only the secret just replaced stays valid.
        var overlap = options.Value.SecretRotationOverlap;
        client.PreviousSecretHash = overlap > TimeSpan.Zero ? client.SecretHash : null;
        client.PreviousSecretExpiresAt = overlap > TimeSpan.Zero ? now + overlap : null;
        client.SecretHash = Hashing.Sha256(NewSecret);
        client.Source = ClientSource.Admin;
        client.UpdatedAt = now;
        var previousUntil = client.PreviousSecretExpiresAt is { } until ? until.ToString("O", System.Globalization.CultureInfo.InvariantCulture) : "none";
        audit.AddAction(AdminAuditTypes.ClientSecretRotated, HttpContext, User.Subject(), clientId: id,
            details: $"previous_secret_valid_until={previousUntil}: {RotateReason.Trim()}");
        await db.SaveChangesAsync(HttpContext.RequestAborted);
        store.Invalidate(id);
        await OnGetAsync(id);
        return Page();
    }

    /// <summary>A change this page does not make: the page again, with the reason, and a 4xx status.</summary>
    private async Task<IActionResult> RefuseAsync(string id, string field, string reason, int status = StatusCodes.Status409Conflict)
    {
        ModelState.Clear();
        await OnGetAsync(id);
        ModelState.AddModelError(field, reason);
        Response.StatusCode = status;
        return Page();
    }

    private static List<string> Lines(string? text) =>
        (text ?? "").Split(['\r', '\n', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct(StringComparer.Ordinal).ToList();
}
