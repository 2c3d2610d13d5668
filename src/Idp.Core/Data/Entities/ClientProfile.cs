namespace Idp.Data.Entities;

/// <summary>The security profile a client is held to; persisted as its number, so values are never reused.</summary>
public enum ClientProfile
{
    /// <summary>Idp's own rules (PKCE S256 by default, any supported client authentication).</summary>
    Default = 0,

    /// <summary>The FAPI 2.0 Security Profile's authorization-server rules (<c>Protocol/Clients/ClientProfiles</c>).</summary>
    Fapi2 = 1,
}
