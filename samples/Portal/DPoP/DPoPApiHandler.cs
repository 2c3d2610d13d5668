using System.Net.Http.Headers;

namespace Portal.DPoP;

/// <summary>
/// With <c>Portal:UseDPoP</c>, turns the API client's <c>Authorization: Bearer</c> into <c>Authorization: DPoP</c>
/// with a proof for the request (RFC 9449 §7.1: <c>ath</c>, <c>htm</c>, <c>htu</c>); otherwise passes requests on as they are.
/// </summary>
public sealed class DPoPApiHandler(DPoPProofFactory proofs) : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (!proofs.Enabled || request.Headers.Authorization is not { Scheme: "Bearer", Parameter: { Length: > 0 } accessToken })
            return base.SendAsync(request, cancellationToken);
        request.Headers.Authorization = new AuthenticationHeaderValue("DPoP", accessToken);
        return proofs.SendAsync(request, accessToken, base.SendAsync, cancellationToken);
    }
}
