using Hub.Core.Access;
using Hub.Core.Contracts;
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

    /// <summary>The status as the API and the audit log spell it (e.g. SUSPENDED).</summary>
    public string StatusName => LicenseStatusRules.Name(StoredStatus);

    /// <summary>The access-log record of an access to this version (outcome OK unless changed with <c>with</c>).</summary>
    public AccessRecord AccessRecord(Guid callerId, string action, string? purpose, IReadOnlyList<string>? fields = null) => new()
    {
        CallerId = callerId,
        Action = action,
        ObjectType = AuditObjects.License,
        ObjectId = Identifier,
        HolderIndex = HolderIndex,
        Purpose = string.IsNullOrEmpty(purpose) ? null : purpose,
        Fields = fields ?? [],
        Outcome = AuditOutcomes.Ok,
    };
}
