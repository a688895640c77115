using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Xml;

namespace Hub.Signing.Documents;

/// <summary>
/// The portable e-license: an XML document holding the identifier, the canonical JSON the SM2 seal covers, the seal
/// and its key, signed as a whole with enveloped XML-DSig by the hub's document certificate.
/// </summary>
public sealed record LicenseDocument(string Identifier, string CanonicalJson, string SealKeyId, string SealAlgorithm, byte[] Seal, byte[] SealPublicKey)
{
    public const string Namespace = "urn:hub:license:v1";
    public const string MediaType = "application/xml";

    /// <summary>Builds and signs the document; returns its UTF-8 bytes.</summary>
    public byte[] ToSignedXml(X509Certificate2 documentCertificate)
    {
        var document = new XmlDocument { PreserveWhitespace = true };
        document.AppendChild(document.CreateXmlDeclaration("1.0", "UTF-8", null));
        var root = document.CreateElement("ElectronicLicense", Namespace);
        root.SetAttribute("format", "hub.license.v1");
        document.AppendChild(root);
        Append(document, root, "Identifier", Identifier);
        Append(document, root, "CanonicalJson", CanonicalJson);
        var seal = Append(document, root, "Seal", Convert.ToBase64String(Seal));
        seal.SetAttribute("keyId", SealKeyId);
        seal.SetAttribute("algorithm", SealAlgorithm);
        Append(document, root, "SealPublicKey", Convert.ToBase64String(SealPublicKey));
        XmlSignature.Sign(document, documentCertificate);
        using var stream = new MemoryStream();
        using (var writer = XmlWriter.Create(stream, new XmlWriterSettings { Encoding = new UTF8Encoding(false), Indent = false }))
        {
            document.Save(writer);
        }

        return stream.ToArray();
    }

    /// <summary>
    /// Parses a document and reports whether its XML signature verifies under one of <paramref name="trusted"/>.
    /// Throws <see cref="XmlException"/> or <see cref="FormatException"/> for a document that is not one of ours.
    /// </summary>
    public static (LicenseDocument Document, bool SignatureValid) Parse(byte[] xml, IEnumerable<X509Certificate2> trusted)
    {
        var document = SafeXml.Load(xml);
        var root = document.DocumentElement;
        if (root is null || root.LocalName != "ElectronicLicense" || root.NamespaceURI != Namespace)
        {
            throw new XmlException("not an electronic license document (root element ElectronicLicense in " + Namespace + ")");
        }

        var seal = Single(root, "Seal");
        var parsed = new LicenseDocument(
            Single(root, "Identifier").InnerText,
            Single(root, "CanonicalJson").InnerText,
            seal.GetAttribute("keyId"),
            seal.GetAttribute("algorithm"),
            Convert.FromBase64String(seal.InnerText),
            Convert.FromBase64String(Single(root, "SealPublicKey").InnerText));
        return (parsed, XmlSignature.Verify(document, trusted));
    }

    private static XmlElement Append(XmlDocument document, XmlElement parent, string name, string text)
    {
        var element = document.CreateElement(name, Namespace);
        element.InnerText = text;
        parent.AppendChild(element);
        return element;
    }

    private static XmlElement Single(XmlElement root, string name)
    {
        var nodes = root.GetElementsByTagName(name, Namespace);
        return nodes.Count == 1 && nodes[0] is XmlElement element && element.ParentNode == root
            ? element
            : throw new XmlException($"the document must hold exactly one {name} element");
    }
}
