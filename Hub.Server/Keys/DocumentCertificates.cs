using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Hub.Server.Infrastructure.Secrets;

namespace Hub.Server.Keys;

/// <summary>The self-signed RSA certificate that signs exported license documents (XML-DSig): made once, loaded with its key.</summary>
internal static class DocumentCertificates
{
    public static StoredDocumentCertificate Create(string subject, MasterKey masterKey, DateTimeOffset now)
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest(subject, rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.NonRepudiation, true));
        using var certificate = request.CreateSelfSigned(now.AddMinutes(-5), now.AddYears(10));
        var thumbprint = Convert.ToHexStringLower(SHA256.HashData(certificate.RawData));
        return new StoredDocumentCertificate(thumbprint, certificate.RawData, masterKey.Seal(rsa.ExportPkcs8PrivateKey(), Aad(thumbprint)), true);
    }

    public static X509Certificate2 Load(StoredDocumentCertificate stored, MasterKey masterKey)
    {
        using var certificate = X509CertificateLoader.LoadCertificate(stored.Certificate);
        using var rsa = RSA.Create();
        rsa.ImportPkcs8PrivateKey(masterKey.Open(stored.PrivateKeySealed, Aad(stored.Thumbprint)), out _);
        using var withKey = certificate.CopyWithPrivateKey(rsa);
        return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
    }

    private static string Aad(string thumbprint) => $"document_certificates:{thumbprint}";
}
