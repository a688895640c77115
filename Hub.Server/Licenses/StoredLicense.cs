using Hub.Licenses.V1;

namespace Hub.Server.Licenses;

/// <summary>One version of a license as stored, with the license's live state and the decrypted sealed content.</summary>
public sealed record StoredLicense(
    Guid LicenseId,
    string Identifier,
    int Version,
    int CurrentVersion,
    LicenseStatus StoredStatus,
    string? StatusReason,
    byte[] HolderIndex,
    string CanonicalJson,
    SealedContent Content,
    byte[] ContentHash,
    byte[] Seal,
    string SealKeyId)
{
    public string IssuerOrgCode => Content.IssuerOrgCode;

    public LicenseStatus EffectiveStatus(DateOnly today) => LicenseStatusRules.Effective(StoredStatus, Content.ValidUntil, today);
}
