using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Hub.Server.Infrastructure.Hosting;

/// <summary>
/// The TLS port's certificate: the configured PEM pair in production, or a self-signed ECDSA P-256 certificate for
/// localhost generated under the state folder (and renewed a week before it expires) on the embedded default.
/// </summary>
internal static class TlsCertificate
{
    public static X509Certificate2 LoadConfigured(string certificatePath, string keyPath)
    {
        using var pem = X509Certificate2.CreateFromPemFile(certificatePath, keyPath);
        // Kestrel on Linux needs the key in an exportable, loadable form: round-trip through PKCS#12.
        return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
    }

    public static X509Certificate2 LoadOrCreateSelfSigned(string stateDirectory, TimeProvider time)
    {
        var folder = Path.Combine(stateDirectory, "tls");
        var certificatePath = Path.Combine(folder, "cert.pem");
        var keyPath = Path.Combine(folder, "key.pem");
        if (File.Exists(certificatePath) && File.Exists(keyPath))
        {
            var existing = LoadConfigured(certificatePath, keyPath);
            if (existing.NotAfter.ToUniversalTime() > time.GetUtcNow().UtcDateTime.AddDays(7))
            {
                return existing;
            }

            existing.Dispose();
        }

        Directory.CreateDirectory(folder);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        names.AddIpAddress(IPAddress.IPv6Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        var now = time.GetUtcNow();
        using var certificate = request.CreateSelfSigned(now.AddMinutes(-5), now.AddYears(1));
        File.WriteAllText(certificatePath, certificate.ExportCertificatePem());
        Embedded.PrivateFiles.Write(keyPath, key.ExportPkcs8PrivateKeyPem());
        return LoadConfigured(certificatePath, keyPath);
    }
}
