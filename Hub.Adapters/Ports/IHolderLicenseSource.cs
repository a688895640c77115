using Hub.Adapters.Exemption;
using Hub.Common.V1;

namespace Hub.Adapters.Ports;

/// <summary>An applicant's licenses of given types (current versions, any status), found by the holder's blind index.</summary>
public interface IHolderLicenseSource
{
    /// <summary>The blind index the log records for this holder.</summary>
    byte[] HolderIndex(HolderIdType type, string normalizedNumber);

    Task<IReadOnlyList<HolderLicense>> FindAsync(byte[] holderIndex, IReadOnlyCollection<string> typeCodes, CancellationToken cancellationToken);

    /// <summary>One license version by identifier, with the license's live status; null when unknown.</summary>
    Task<HolderLicense?> FindByIdentifierAsync(string identifier, CancellationToken cancellationToken);
}
