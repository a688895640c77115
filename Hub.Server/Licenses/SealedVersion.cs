namespace Hub.Server.Licenses;

/// <summary>A license version's content, its canonical JSON, SM3 hash and SM2 seal: what is stored for a version.</summary>
public sealed record SealedVersion(SealedContent Content, string CanonicalJson, byte[] ContentHash, byte[] Seal, string SealKeyId)
{
    public StoredLicense ToStored(Guid licenseId, byte[] holderIndex, Hub.Licenses.V1.LicenseStatus status, string? statusReason) =>
        new(licenseId, Content.Identifier, Content.Version, Content.Version, status, statusReason, holderIndex, CanonicalJson, Content, ContentHash, Seal, SealKeyId);
}
