using Idp.Authentication;
using Idp.Data;
using Idp.Messaging;

namespace Idp.Protocol.EndSession;

public sealed class LogoutInteraction(SessionService sessions, LogoutRequests requests, IdpDbContext db, OutboxSignal outbox, TimeProvider clock) : ILogoutInteraction
{
    public LogoutContext? Read(string? logoutId) => requests.Unprotect(logoutId);

    /// <summary>Ends the session; its portals' back-channel logouts are written to the outbox with the ending.</summary>
    public async Task SignOutAsync(HttpContext http, CancellationToken cancellationToken = default)
    {
        var session = await sessions.SignOutAsync(http, (ending, clientIds) => BackChannelLogout.AddMessagesAsync(
            db, [new EndedSession(ending.SubjectId, ending.Id, clientIds)], clock.GetUtcNow(), cancellationToken));
        if (session is not null)
            outbox.Notify();
    }
}
