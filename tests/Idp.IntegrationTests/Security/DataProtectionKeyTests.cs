using Idp.IntegrationTests.Infrastructure;
using Idp.Security;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.AuthenticatedEncryption;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.DependencyInjection;

namespace Idp.IntegrationTests.Security;

/// <summary>The data-protection key ring in the database: new keys use AES-256-GCM, and keys of the former default still open what they protected.</summary>
public sealed class DataProtectionKeyTests : IAsyncLifetime
{
    private const string Purpose = "Idp.IntegrationTests.DataProtectionKeyTests";
    private readonly IdpFactory _idp = new();

    public Task InitializeAsync()
    {
        _idp.Start();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _idp.DisposeAsync();

    [Fact]
    public void NewKey_IsAes256Gcm()
    {
        var key = _idp.Services.GetRequiredService<IKeyManager>().CreateNewKey(DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddDays(90));

        Assert.Equal(nameof(EncryptionAlgorithm.AES_256_GCM), AlgorithmOf(key));
    }

    [Fact]
    public void PayloadOfAnOlderCbcKey_StillOpens()
    {
        // A key ring as it was before: the same repository, encryptor and application name, the framework's default algorithm.
        var former = new ServiceCollection().AddLogging();
        former.AddDataProtection().SetApplicationName("Idp");
        former.Configure<KeyManagementOptions>(options =>
        {
            options.XmlRepository = _idp.Services.GetRequiredService<DatabaseXmlRepository>();
            options.XmlEncryptor = new SecretProtectorXmlEncryptor(_idp.Services.GetRequiredService<SecretProtector>());
        });
        using var formerServices = former.BuildServiceProvider();
        var cbcKey = formerServices.GetRequiredService<IKeyManager>().CreateNewKey(DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddDays(90));
        Assert.Equal(nameof(EncryptionAlgorithm.AES_256_CBC), AlgorithmOf(cbcKey));
        var protectedByCbc = formerServices.GetRequiredService<IDataProtectionProvider>().CreateProtector(Purpose).Protect("kept"u8.ToArray());
        // The payload's header: a 4-byte magic number, then the id of the key that protected it.
        Assert.Equal(cbcKey.KeyId, new Guid(protectedByCbc.AsSpan(4, 16)));

        var opened = _idp.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector(Purpose).Unprotect(protectedByCbc);

        Assert.Equal("kept"u8.ToArray(), opened);
    }

    // As the key's XML in the repository names it.
    private static string? AlgorithmOf(IKey key) =>
        key.Descriptor.ExportToXml().SerializedDescriptorElement.Element("encryption")?.Attribute("algorithm")?.Value;
}
