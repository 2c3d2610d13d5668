using Idp.Configuration;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Idp.Factors.Passkeys;

/// <summary>
/// Identity's passkey options from <c>Idp:Passkeys</c>: the relying-party id (default: the issuer's host) and the
/// allowed origins (default: the issuer's origin), checked strictly (no cross-origin, no top-origin); user
/// verification and a discoverable credential required. The attestation statement is verified by
/// <see cref="PasskeyAttestations"/> (Fido2); the browser is asked for a <c>direct</c> attestation only when the policy
/// needs one (an AAGUID allow-list or <c>RequireAttestation</c>), since it may ask the user's consent for it.
/// </summary>
public sealed class PasskeyOptionsSetup(IOptions<IdpOptions> idp) : IConfigureOptions<IdentityPasskeyOptions>
{
    public void Configure(IdentityPasskeyOptions options)
    {
        var issuer = new Uri(idp.Value.Issuer);
        var passkeys = idp.Value.Passkeys;
        options.ServerDomain = string.IsNullOrEmpty(passkeys.RelyingPartyId) ? issuer.Host : passkeys.RelyingPartyId;
        var origins = passkeys.Origins.Count > 0
            ? passkeys.Origins.Select(o => o.TrimEnd('/')).ToHashSet(StringComparer.Ordinal)
            : [issuer.GetLeftPart(UriPartial.Authority)];
        options.ValidateOrigin = context => ValueTask.FromResult(
            !context.CrossOrigin && context.TopOrigin is null && origins.Contains(context.Origin));
        options.UserVerificationRequirement = "required";
        options.ResidentKeyRequirement = "required";
        var policy = passkeys.Policy;
        options.AttestationConveyancePreference = policy.RequireAttestation || policy.AllowedAaguids.Count > 0 ? "direct" : "none";
        options.VerifyAttestationStatement = context =>
            context.HttpContext.RequestServices.GetRequiredService<PasskeyAttestations>().VerifyStatementAsync(context);
    }
}
