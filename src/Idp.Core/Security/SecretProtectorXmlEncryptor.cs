using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;

namespace Idp.Security;

/// <summary>Encrypts data-protection keys at rest with the key-encryption key, so the database alone does not reveal them.</summary>
public sealed class SecretProtectorXmlEncryptor(SecretProtector protector) : IXmlEncryptor
{
    public EncryptedXmlInfo Encrypt(XElement plaintextElement)
    {
        var element = new XElement("encryptedKey", protector.Protect(plaintextElement.ToString(SaveOptions.DisableFormatting)));
        return new EncryptedXmlInfo(element, typeof(SecretProtectorXmlDecryptor));
    }
}

public sealed class SecretProtectorXmlDecryptor(IServiceProvider services) : IXmlDecryptor
{
    public XElement Decrypt(XElement encryptedElement) =>
        XElement.Parse(services.GetRequiredService<SecretProtector>().UnprotectString(encryptedElement.Value));
}
