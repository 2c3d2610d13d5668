using Idp.Authentication;

namespace Idp.Protocol.EndSession;

public sealed class LogoutInteraction(SessionService sessions, LogoutRequests requests, BackChannelLogout backChannel) : ILogoutInteraction
{
    public LogoutContext? Read(string? logoutId) => requests.Unprotect(logoutId);

    public async Task SignOutAsync(HttpContext http, CancellationToken cancellationToken = default)
    {
        var session = await sessions.SignOutAsync(http);
        if (session is not null)
            await backChannel.NotifyAsync(session.SubjectId, session.Id, session.Clients.Select(c => c.ClientId), cancellationToken);
    }
}
