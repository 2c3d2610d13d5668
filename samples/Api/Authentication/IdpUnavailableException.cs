namespace Api.Authentication;

/// <summary>Idp's discovery document or keys could not be read (or name the wrong issuer): no token can be checked.</summary>
public sealed class IdpUnavailableException(string message, Exception? innerException = null)
    : Exception(message, innerException);
