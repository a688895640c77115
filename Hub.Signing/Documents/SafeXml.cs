using System.Xml;

namespace Hub.Signing.Documents;

/// <summary>Parses untrusted XML: no DTDs, no external resolution, bounded size, whitespace preserved for signatures.</summary>
public static class SafeXml
{
    public const int MaxDocumentBytes = 1024 * 1024;

    public static XmlDocument Load(byte[] bytes)
    {
        if (bytes.Length > MaxDocumentBytes)
        {
            throw new XmlException($"the document is larger than {MaxDocumentBytes} bytes");
        }

        var settings = new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Prohibit,
            XmlResolver = null,
            MaxCharactersInDocument = MaxDocumentBytes,
            MaxCharactersFromEntities = 0,
        };
        var document = new XmlDocument { PreserveWhitespace = true, XmlResolver = null };
        using var stream = new MemoryStream(bytes, writable: false);
        using var reader = XmlReader.Create(stream, settings);
        document.Load(reader);
        return document;
    }
}
