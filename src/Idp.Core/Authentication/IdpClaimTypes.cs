namespace Idp.Authentication;

public static class IdpClaimTypes
{
    public const string Subject = "sub";
    public const string SessionId = "sid";
}
