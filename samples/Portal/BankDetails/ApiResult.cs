using Portal.Authentication;

namespace Portal.BankDetails;

public enum ApiOutcome
{
    Success,

    /// <summary>401 with RFC 9470 <c>insufficient_user_authentication</c>: step up with <see cref="ApiResult{T}.StepUp"/>.</summary>
    StepUpRequired,

    /// <summary>401 for any other reason (RFC 6750 <c>invalid_token</c>, or no token at all).</summary>
    TokenRefused,

    /// <summary>400 with validation problem details.</summary>
    Invalid,

    /// <summary>Not reachable, or an answer the portal does not understand.</summary>
    Unavailable,
}

/// <summary>What a call to samples/Api came to.</summary>
public sealed record ApiResult<T>(
    ApiOutcome Outcome,
    T? Value = default,
    StepUpRequest? StepUp = null,
    string? Error = null,
    IReadOnlyDictionary<string, string[]>? Errors = null);
