using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Idp.Data.Entities;
using Idp.Protocol.Keys;
using Idp.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Idp.UnitTests.Protocol.Keys;

public sealed class SigningKeyStoreTests
{
    private static readonly string[] PrivateMembers = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"];

    [Fact]
    public async Task Jwks_HasOnlyPublicMembers_WithKidAlgAndUse()
    {
        await using var host = await KeysTestHost.CreateAsync();
        await host.EnsureKeysAsync();
        await host.WithManagerAsync(manager => manager.RotateNowAsync("RS256")); // a waiting key too
        await host.WithManagerAsync(manager => manager.RotateNowAsync("ES256"));

        var jwks = await host.Store.GetJwksDocumentAsync();
        using var document = JsonDocument.Parse(jwks);
        var keys = document.RootElement.GetProperty("keys").EnumerateArray().ToList();

        Assert.Equal(4, keys.Count);
        foreach (var key in keys)
        {
            var members = key.EnumerateObject().Select(m => m.Name).ToHashSet();
            Assert.DoesNotContain(members, PrivateMembers.Contains);
            Assert.Equal("sig", key.GetProperty("use").GetString());
            Assert.False(string.IsNullOrEmpty(key.GetProperty("kid").GetString()));
            switch (key.GetProperty("kty").GetString())
            {
                case "RSA":
                    Assert.Equal(["alg", "e", "kid", "kty", "n", "use"], members.Order());
                    Assert.Equal("RS256", key.GetProperty("alg").GetString());
                    Assert.Equal(256, Convert.FromBase64String(Base64UrlToBase64(key.GetProperty("n").GetString()!)).Length);
                    break;
                case "EC":
                    Assert.Equal(["alg", "crv", "kid", "kty", "use", "x", "y"], members.Order());
                    Assert.Equal("ES256", key.GetProperty("alg").GetString());
                    Assert.Equal("P-256", key.GetProperty("crv").GetString());
                    break;
                default:
                    Assert.Fail("unexpected kty");
                    break;
            }
        }
        // Not even nested or under another name.
        var text = Encoding.UTF8.GetString(jwks.Span);
        Assert.All(PrivateMembers, member => Assert.DoesNotContain($"\"{member}\":", text));
    }

    [Fact]
    public async Task Jwks_PrivateValuesOfTheKeysNeverAppear()
    {
        await using var host = await KeysTestHost.CreateAsync();
        await host.EnsureKeysAsync();
        var text = Encoding.UTF8.GetString((await host.Store.GetJwksDocumentAsync()).Span);

        foreach (var key in await host.WithDbAsync(db => db.SigningKeys.AsNoTracking().ToListAsync()))
        {
            var pkcs8 = host.Protector.Unprotect(key.ProtectedPrivateKey);
            if (key.Algorithm == "RS256")
            {
                using var rsa = RSA.Create();
                rsa.ImportPkcs8PrivateKey(pkcs8, out _);
                var parameters = rsa.ExportParameters(true);
                foreach (var secret in new[] { parameters.D, parameters.P, parameters.Q, parameters.DP, parameters.DQ, parameters.InverseQ })
                    Assert.DoesNotContain(Base64UrlEncoder.Encode(secret!), text);
            }
            else
            {
                using var ecdsa = ECDsa.Create();
                ecdsa.ImportPkcs8PrivateKey(pkcs8, out _);
                Assert.DoesNotContain(Base64UrlEncoder.Encode(ecdsa.ExportParameters(true).D!), text);
            }
        }
    }

    [Fact]
    public async Task Jwks_RetiredKeyStaysUntilExpiry_ExpiredKeyIsGone()
    {
        await using var host = await KeysTestHost.CreateAsync();
        await host.EnsureKeysAsync();
        var first = await host.WithDbAsync(db => db.SigningKeys.AsNoTracking().SingleAsync(k => k.Algorithm == "RS256"));
        host.Clock.Set(first.RetiresAt - TimeSpan.FromHours(1));
        await host.EnsureKeysAsync(); // makes the successor

        host.Clock.Set(first.RetiresAt + TimeSpan.FromHours(1));
        Assert.NotEqual(first.Id, (await host.Store.GetSigningCredentialsAsync("RS256")).Kid);
        Assert.Contains(first.Id, await SigningKeyManagerTests.JwksKeyIdsAsync(host));
        Assert.Contains(first.Id, (await host.Store.GetValidationKeysAsync()).Select(k => k.KeyId));

        host.Clock.Set(first.ExpiresAt); // not even the job needs to have run
        Assert.DoesNotContain(first.Id, await SigningKeyManagerTests.JwksKeyIdsAsync(host));
        Assert.DoesNotContain(first.Id, (await host.Store.GetValidationKeysAsync()).Select(k => k.KeyId));
    }

    [Theory]
    [InlineData("RS256")]
    [InlineData("ES256")]
    public async Task SignedToken_ValidatesWithTheValidationKeys(string algorithm)
    {
        await using var host = await KeysTestHost.CreateAsync();
        await host.EnsureKeysAsync();
        await host.WithManagerAsync(manager => manager.RotateNowAsync("RS256"));
        var handler = new JsonWebTokenHandler();
        var credentials = await host.Store.GetSigningCredentialsAsync(algorithm);

        var token = handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = "https://idp.test",
            Audience = "portal",
            Subject = new ClaimsIdentity([new Claim("sub", "12345")]),
            IssuedAt = DateTime.UtcNow,
            NotBefore = DateTime.UtcNow,
            Expires = DateTime.UtcNow.AddMinutes(5),
            SigningCredentials = credentials,
        });

        var result = await handler.ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = "https://idp.test",
            ValidAudience = "portal",
            IssuerSigningKeys = await host.Store.GetValidationKeysAsync(),
            ValidAlgorithms = [algorithm],
        });

        Assert.True(result.IsValid, result.Exception?.Message);
        var header = new JsonWebToken(token);
        Assert.Equal(credentials.Kid, header.Kid);
        Assert.Equal(algorithm, header.Alg);
    }

    [Fact]
    public async Task ValidationKeys_HoldNoPrivateKey()
    {
        await using var host = await KeysTestHost.CreateAsync();
        await host.EnsureKeysAsync();

        var keys = await host.Store.GetValidationKeysAsync();

        Assert.Equal(2, keys.Count);
        Assert.All(keys, key => Assert.ThrowsAny<CryptographicException>(() => key switch
        {
            RsaSecurityKey rsa => (object)rsa.Rsa.ExportParameters(includePrivateParameters: true),
            ECDsaSecurityKey ec => ec.ECDsa.ExportParameters(includePrivateParameters: true),
            _ => throw new InvalidOperationException(key.GetType().Name),
        }));
    }

    [Fact]
    public async Task PrivateKey_IsEncryptedAtRest_AndRoundTrips()
    {
        await using var host = await KeysTestHost.CreateAsync();
        await host.EnsureKeysAsync();

        foreach (var key in await host.WithDbAsync(db => db.SigningKeys.AsNoTracking().ToListAsync()))
        {
            var pkcs8 = host.Protector.Unprotect(key.ProtectedPrivateKey);
            Assert.DoesNotContain(Convert.ToBase64String(pkcs8), key.ProtectedPrivateKey);
            Assert.DoesNotContain(Convert.ToBase64String(pkcs8.AsSpan(pkcs8.Length - 32)), key.ProtectedPrivateKey);
            Assert.DoesNotContain("PRIVATE", key.ProtectedPrivateKey);

            // The decrypted PKCS#8 is the key published under this kid.
            using var jwk = JsonDocument.Parse(key.PublicJwk);
            Assert.Equal(key.Id, jwk.RootElement.GetProperty("kid").GetString());
            if (key.Algorithm == "RS256")
            {
                using var rsa = RSA.Create();
                rsa.ImportPkcs8PrivateKey(pkcs8, out _);
                Assert.Equal(jwk.RootElement.GetProperty("n").GetString(), Base64UrlEncoder.Encode(rsa.ExportParameters(false).Modulus!));
            }
            else
            {
                using var ecdsa = ECDsa.Create();
                ecdsa.ImportPkcs8PrivateKey(pkcs8, out _);
                Assert.Equal(jwk.RootElement.GetProperty("x").GetString(), Base64UrlEncoder.Encode(ecdsa.ExportParameters(false).Q.X!));
            }
        }
    }

    [Fact]
    public async Task PrivateKey_WithAnotherKeyEncryptionKey_IsLeftOutNotFatal()
    {
        await using var host = await KeysTestHost.CreateAsync();
        await host.EnsureKeysAsync();
        var otherProtector = new SecretProtector(
            Microsoft.Extensions.Options.Options.Create(new Idp.Configuration.IdpOptions { KeyEncryptionKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)) }),
            null!);
        var generated = SigningKeyMaterial.Generate("ES256");
        await host.WithDbAsync(db =>
        {
            db.SigningKeys.Add(new SigningKey
            {
                Id = generated.KeyId, Algorithm = "ES256", PublicJwk = generated.PublicJwk,
                ProtectedPrivateKey = otherProtector.Protect(generated.Pkcs8PrivateKey),
                CreatedAt = KeysTestHost.Start, ActivatesAt = KeysTestHost.Start, RetiresAt = KeysTestHost.Start.AddDays(30), ExpiresAt = KeysTestHost.Start.AddDays(31),
            });
            return db.SaveChangesAsync();
        });

        Assert.DoesNotContain(generated.KeyId, await SigningKeyManagerTests.JwksKeyIdsAsync(host));
        Assert.NotEqual(generated.KeyId, (await host.Store.GetSigningCredentialsAsync("ES256")).Kid);
    }

    [Fact]
    public async Task GetSigningCredentials_HotPath_NeitherQueriesNorAllocates()
    {
        await using var host = await KeysTestHost.CreateAsync();
        await host.EnsureKeysAsync();
        var store = host.Store;
        var first = await store.GetSigningCredentialsAsync("RS256");
        await store.GetSigningCredentialsAsync("ES256");
        var queries = host.Commands.Count;

        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 10_000; i++)
        {
            var credentials = store.GetSigningCredentialsAsync((i & 1) == 0 ? "RS256" : "ES256");
            Assert.True(credentials.IsCompletedSuccessfully);
#pragma warning disable xUnit1031 // completed synchronously (asserted above): reading it does not block
            _ = credentials.Result;
#pragma warning restore xUnit1031
        }
        var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;

        Assert.Equal(queries, host.Commands.Count);
        Assert.True(allocated < 1024, $"{allocated} bytes allocated");
        Assert.Same(first, await store.GetSigningCredentialsAsync("RS256"));
    }

    [Fact]
    public async Task Store_ReloadsWithinTheRefreshInterval_SoNodesAgree()
    {
        await using var nodeA = await KeysTestHost.CreateAsync();
        await nodeA.EnsureKeysAsync();
        await using var nodeB = nodeA.AnotherNode();
        var before = await SigningKeyManagerTests.JwksKeyIdsAsync(nodeB);
        var credentialsBefore = await nodeB.Store.GetSigningCredentialsAsync("RS256");

        var rotated = await nodeA.WithManagerAsync(manager => manager.RotateNowAsync("RS256"));
        Assert.Contains(rotated.KeyId, await SigningKeyManagerTests.JwksKeyIdsAsync(nodeA)); // this node at once
        Assert.Equal(before, await SigningKeyManagerTests.JwksKeyIdsAsync(nodeB));            // the other within a minute

        nodeB.Clock.Advance(new Idp.Configuration.SigningKeyOptions().RefreshInterval);
        Assert.Contains(rotated.KeyId, await SigningKeyManagerTests.JwksKeyIdsAsync(nodeB));
        // Unchanged keys are not rebuilt: the same credentials (and cached signature providers) go on.
        Assert.Same(credentialsBefore, await nodeB.Store.GetSigningCredentialsAsync("RS256"));
    }

    [Fact]
    public async Task Store_FreshInstallOnAnotherNode_FindsKeysWithoutWaiting()
    {
        await using var nodeA = await KeysTestHost.CreateAsync();
        await using var nodeB = nodeA.AnotherNode();
        Assert.Empty(await nodeB.Store.GetValidationKeysAsync()); // B cached an empty set

        await nodeA.EnsureKeysAsync();
        nodeB.Clock.Advance(TimeSpan.FromSeconds(2));

        Assert.NotNull(await nodeB.Store.GetSigningCredentialsAsync("ES256"));
    }

    [Fact]
    public async Task GetSigningCredentials_NoKeys_ThrowsClearly()
    {
        await using var host = await KeysTestHost.CreateAsync();

        await Assert.ThrowsAsync<InvalidOperationException>(() => host.Store.GetSigningCredentialsAsync("RS256").AsTask());
        await Assert.ThrowsAsync<ArgumentException>(() => host.Store.GetSigningCredentialsAsync("HS256").AsTask());
    }

    private static string Base64UrlToBase64(string value) =>
        value.Replace('-', '+').Replace('_', '/') + new string('=', (4 - value.Length % 4) % 4);
}
