using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Hub.Signing.Documents;
using Hub.Signing.Sm2;
using Hub.Tests.Support;

namespace Hub.Tests.Signing;

public sealed class LicenseDocumentTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("hub-tests-xml-").FullName;
    private readonly X509Certificate2 _certificate = CreateCertificate();

    [Fact]
    public void SignedDocument_VerifiesWithXmlsec1_AndFailsOnceAByteChanges()
    {
        var xml = Document().ToSignedXml(_certificate);
        var cert = Path.Combine(_folder, "cert.pem");
        File.WriteAllText(cert, _certificate.ExportCertificatePem());
        var file = Path.Combine(_folder, "license.xml");
        File.WriteAllBytes(file, xml);

        var (ok, okOutput) = ExternalTool.Run("xmlsec1", "--verify", "--trusted-pem", cert, file);
        Assert.True(ok == 0, okOutput);
        Assert.Contains("OK", okOutput, StringComparison.Ordinal);

        File.WriteAllBytes(file, Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(xml).Replace("张三", "李四", StringComparison.Ordinal)));
        var (failed, failedOutput) = ExternalTool.Run("xmlsec1", "--verify", "--trusted-pem", cert, file);
        Assert.NotEqual(0, failed);
        Assert.Contains("FAIL", failedOutput, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_ReturnsTheSealedContent_AndChecksTheSignature()
    {
        var original = Document();
        var xml = original.ToSignedXml(_certificate);

        var (parsed, valid) = LicenseDocument.Parse(xml, [_certificate]);

        Assert.True(valid);
        Assert.Equal(original.CanonicalJson, parsed.CanonicalJson);
        Assert.Equal(original.Seal, parsed.Seal);
        Assert.False(LicenseDocument.Parse(Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(xml).Replace("张三", "李四", StringComparison.Ordinal)), [_certificate]).SignatureValid);
        using var other = CreateCertificate();
        Assert.False(LicenseDocument.Parse(xml, [other]).SignatureValid);
    }

    [Fact]
    public void Parse_DocumentWithDtd_IsRefused()
    {
        var xml = Encoding.UTF8.GetBytes("<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><ElectronicLicense xmlns=\"urn:hub:license:v1\">&e;</ElectronicLicense>");

        Assert.Throws<System.Xml.XmlException>(() => LicenseDocument.Parse(xml, [_certificate]));
    }

    public void Dispose()
    {
        _certificate.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    private static LicenseDocument Document()
    {
        var key = Sm2KeyPair.Generate();
        var json = "{\"format\":\"hub.license.v1\",\"holder\":{\"name\":\"张三\"}}";
        return new LicenseDocument("1.2.156.3005.2.x", json, key.KeyId, "SM2-SM3", key.Sign(Encoding.UTF8.GetBytes(json)), key.PublicKey.SubjectPublicKeyInfo);
    }

    private static X509Certificate2 CreateCertificate()
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=Hub document signing (test)", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null);
    }
}
