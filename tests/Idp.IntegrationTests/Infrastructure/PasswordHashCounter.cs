using Idp.Data.Entities;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Idp.IntegrationTests.Infrastructure;

/// <summary>
/// Identity's hasher that counts its verifications: the work a password check does, which timing would otherwise
/// show. <c>factory.WithServices(PasswordHashCounter.Install(out var hashes))</c>.
/// </summary>
public sealed class PasswordHashCounter
{
    private int _verifications;

    public int Verifications => Volatile.Read(ref _verifications);

    internal void Count() => Interlocked.Increment(ref _verifications);

    /// <summary>The verifications <paramref name="action"/> caused.</summary>
    public async Task<int> CountAsync(Func<Task> action)
    {
        var before = Verifications;
        await action();
        return Verifications - before;
    }

    public static Action<IServiceCollection> Install(out PasswordHashCounter counter)
    {
        var installed = counter = new PasswordHashCounter();
        return services => services.AddScoped<IPasswordHasher<IdpUser>>(sp =>
            new CountingPasswordHasher(new PasswordHasher<IdpUser>(sp.GetRequiredService<IOptions<PasswordHasherOptions>>()), installed));
    }

    private sealed class CountingPasswordHasher(IPasswordHasher<IdpUser> inner, PasswordHashCounter counter) : IPasswordHasher<IdpUser>
    {
        public string HashPassword(IdpUser user, string password) => inner.HashPassword(user, password);

        public PasswordVerificationResult VerifyHashedPassword(IdpUser user, string hashedPassword, string providedPassword)
        {
            counter.Count();
            return inner.VerifyHashedPassword(user, hashedPassword, providedPassword);
        }
    }
}
