using Idp.Authentication;
using Idp.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;

namespace Idp.IntegrationTests.SignIn;

/// <summary>One account signing in from several browsers at once, as behind a load balancer with several nodes.</summary>
public sealed class ConcurrentSignInTests
{
    [Fact]
    public async Task SignIn_TwoInterleavedPasswordSignInsOfOneUser_BothStartASessionAndAreCounted()
    {
        await using var factory = new IdpFactory();
        var user = await factory.CreateUserAsync();
        using var first = factory.Services.CreateScope();
        using var second = factory.Services.CreateScope();

        // Both passwords are checked before either session starts: each request holds the account as it read it.
        var firstCheck = await CheckPasswordAsync(first.ServiceProvider, user.AccountNumber);
        var secondCheck = await CheckPasswordAsync(second.ServiceProvider, user.AccountNumber);
        await StartSessionAsync(second.ServiceProvider, secondCheck.User!);
        await StartSessionAsync(first.ServiceProvider, firstCheck.User!);

        var (sessions, signIns) = await factory.WithDbAsync(async db => (
            await db.UserSessions.CountAsync(s => s.SubjectId == user.Id),
            await db.Users.Where(u => u.Id == user.Id).Select(u => u.SignInCount).SingleAsync()));
        Assert.Equal(PasswordSignInStatus.Succeeded, firstCheck.Status);
        Assert.Equal(PasswordSignInStatus.Succeeded, secondCheck.Status);
        Assert.Equal(2, sessions);
        Assert.Equal(2, signIns);
    }

    private static Task<PasswordSignInResult> CheckPasswordAsync(IServiceProvider services, string login) =>
        services.GetRequiredService<PasswordSignIn>().CheckAsync(new DefaultHttpContext { RequestServices = services }, login, TestUsers.Password, null, CancellationToken.None);

    private static Task StartSessionAsync(IServiceProvider services, Idp.Data.Entities.IdpUser user) =>
        services.GetRequiredService<SessionService>().SignInAsync(
            new DefaultHttpContext { RequestServices = services }, user, [AuthenticationMethods.Password], AuthenticationLevel.Password, persistent: false);
}
