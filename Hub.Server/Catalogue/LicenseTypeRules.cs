using Hub.Adapters.Ports;
using Hub.Common.V1;

namespace Hub.Server.Catalogue;

/// <summary>The catalogue's license types as the 免证办 checks read them.</summary>
public sealed class LicenseTypeRules(ILicenseTypeStore types) : ILicenseTypeRules
{
    public async Task<(IReadOnlyList<FieldSpec> Fields, SharingType Sharing)?> FindAsync(string typeCode, CancellationToken cancellationToken) =>
        await types.FindAsync(typeCode, cancellationToken) is { } type ? (type.Fields, type.SharingType) : null;
}
