namespace Idp.Admin.Authentication;

public static class AdminAuthenticationDefaults
{
    public const string CookieScheme = "idp-admin";
    public const string IdpScheme = "Idp";
    public const string BackchannelClient = "idp-admin.backchannel";
    public const string AcrValuesItem = ".acr_values";
    public const string IdTokenName = "id_token";

    /// <summary>A claim on the session after a sign-in that asked for a level: the level was asked, so the next shortfall is shown, not asked again.</summary>
    public const string SteppedUpClaim = "idp_admin_stepped_up";
}
