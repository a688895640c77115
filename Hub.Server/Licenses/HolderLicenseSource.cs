using Hub.Adapters.Exemption;
using Hub.Adapters.Ports;
using Hub.Common.V1;
using Hub.Server.Catalogue;
using Hub.Server.Infrastructure.Secrets;

namespace Hub.Server.Licenses;

/// <summary>Serves the exemption checks' view of an applicant's licenses from the repository.</summary>
public sealed class HolderLicenseSource(ILicenseStore store, ILicenseDirectory directory, ILicenseTypeStore types, DataProtector protector) : IHolderLicenseSource
{
    /// <summary>Enough for any real applicant; a holder with more sees the newest.</summary>
    public const int MaxLicensesPerCheck = 100;

    public byte[] HolderIndex(HolderIdType type, string normalizedNumber) => protector.BlindIndex(type, normalizedNumber);

    public async Task<IReadOnlyList<HolderLicense>> FindAsync(byte[] holderIndex, IReadOnlyCollection<string> typeCodes, CancellationToken cancellationToken)
    {
        var result = new List<HolderLicense>();
        foreach (var stored in await store.FindByHolderAsync(holderIndex, typeCodes, MaxLicensesPerCheck, cancellationToken))
        {
            result.Add(await ToHolderLicenseAsync(stored, cancellationToken));
        }

        return result;
    }

    public async Task<HolderLicense?> FindByIdentifierAsync(string identifier, CancellationToken cancellationToken) =>
        await directory.FindAsync(identifier, cancellationToken) is { } stored ? await ToHolderLicenseAsync(stored, cancellationToken) : null;

    private async Task<HolderLicense> ToHolderLicenseAsync(StoredLicense stored, CancellationToken cancellationToken)
    {
        var type = await types.FindAsync(stored.Content.TypeCode, cancellationToken);
        var content = stored.Content;
        return new HolderLicense(
            stored.Identifier, content.TypeCode, stored.Version, stored.StoredStatus, content.ValidFrom, content.ValidUntil, content.IssuedAt,
            content.IssuerOrgCode, content.TypeName, content.Holder.Name, stored.HolderIndex, content.Face, type?.Fields ?? [],
            type?.SharingType ?? SharingType.NotShared)
        {
            CurrentVersion = stored.CurrentVersion,
        };
    }
}
