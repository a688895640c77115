using Hub.Common.V1;

namespace Hub.Adapters.Ports;

/// <summary>
/// A registered license type's fields and sharing type, as the checks read them. Questions about a license are judged
/// against its type, never against what one holder holds, so the answer cannot tell whether the holder has one.
/// </summary>
public interface ILicenseTypeRules
{
    /// <summary>The type's face fields (with their levels) and sharing type; null when no type has this code.</summary>
    Task<(IReadOnlyList<FieldSpec> Fields, SharingType Sharing)?> FindAsync(string typeCode, CancellationToken cancellationToken);
}
