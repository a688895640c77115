using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Security.Cryptography.Xml;
using System.Xml;

namespace Hub.Signing.Documents;

/// <summary>
/// Enveloped XML-DSig over a whole document: RSA-SHA256, exclusive canonicalization, the signing certificate in
/// KeyInfo — the profile independent verifiers (xmlsec1) check.
/// </summary>
public static class XmlSignature
{
    /// <summary>Appends a Signature element to the root, covering the whole document (Reference URI="").</summary>
    public static void Sign(XmlDocument document, X509Certificate2 certificate)
    {
        using var key = certificate.GetRSAPrivateKey() ?? throw new CryptographicException("the document certificate has no RSA private key");
        var signed = new SignedXml(document) { SigningKey = key };
        signed.SignedInfo!.CanonicalizationMethod = SignedXml.XmlDsigExcC14NTransformUrl;
        signed.SignedInfo.SignatureMethod = SignedXml.XmlDsigRSASHA256Url;
        var reference = new Reference(string.Empty) { DigestMethod = SignedXml.XmlDsigSHA256Url };
        reference.AddTransform(new XmlDsigEnvelopedSignatureTransform());
        reference.AddTransform(new XmlDsigExcC14NTransform());
        signed.AddReference(reference);
        var keyInfo = new KeyInfo();
        keyInfo.AddClause(new KeyInfoX509Data(certificate));
        signed.KeyInfo = keyInfo;
        signed.ComputeSignature();
        document.DocumentElement!.AppendChild(document.ImportNode(signed.GetXml(), true));
    }

    /// <summary>
    /// True when the document carries exactly one signature, covering the whole document, made by one of the
    /// trusted certificates' keys (whatever certificate KeyInfo claims).
    /// </summary>
    public static bool Verify(XmlDocument document, IEnumerable<X509Certificate2> trusted)
    {
        var signatures = document.GetElementsByTagName("Signature", SignedXml.XmlDsigNamespaceUrl);
        if (signatures.Count != 1 || signatures[0]!.ParentNode != document.DocumentElement)
        {
            return false;
        }

        var signed = new SignedXml(document);
        try
        {
            signed.LoadXml((XmlElement)signatures[0]!);
        }
        catch (CryptographicException)
        {
            return false;
        }

        // Only the whole-document reference is accepted: a reference to a fragment invites signature wrapping.
        if (signed.SignedInfo!.References.Count != 1 || ((Reference)signed.SignedInfo.References[0]!).Uri != string.Empty
            || signed.SignedInfo.SignatureMethod != SignedXml.XmlDsigRSASHA256Url)
        {
            return false;
        }

        foreach (var certificate in trusted)
        {
            using var key = certificate.GetRSAPublicKey();
            if (key is not null && signed.CheckSignature(key))
            {
                return true;
            }
        }

        return false;
    }
}
