using Hub.Adapters.Ports;
using Hub.Catalogue.V1;
using Hub.Core.Errors;
using Hub.Core.Validation;

namespace Hub.Server.Catalogue;

/// <summary>
/// License types (电子证照目录). Registration is idempotent on the type code (the same content again is a no-op,
/// other content is <c>LICENSE_TYPE_EXISTS</c>) and commits with its audit entry; types never change afterwards.
/// </summary>
public interface ILicenseTypeStore
{
    Task<Outcome<(LicenseTypeDefinition Type, bool Created)>> RegisterAsync(RegisterLicenseTypeRequest normalized, Guid callerId, CancellationToken cancellationToken);

    Task<LicenseTypeDefinition?> FindAsync(string typeCode, CancellationToken cancellationToken);

    /// <summary>Ordered by type code, keyset-paged; optionally only the types an organisation may issue.</summary>
    Task<(IReadOnlyList<LicenseTypeDefinition> Types, string? NextCursor)> ListAsync(PageRequest page, string? issuerOrgCode, CancellationToken cancellationToken);
}

/// <summary>Matters (政务服务事项) and their materials; registered once, as <see cref="ILicenseTypeStore"/>.</summary>
public interface IMatterStore : IMatterCatalogue
{
    Task<Outcome<(Matter Matter, bool Created)>> RegisterAsync(RegisterMatterRequest normalized, Guid callerId, CancellationToken cancellationToken);

    /// <summary>A registered matter as the API shows it (shared: do not modify it).</summary>
    Task<Matter?> GetAsync(string matterCode, CancellationToken cancellationToken);

    Task<(IReadOnlyList<Matter> Matters, string? NextCursor)> ListAsync(PageRequest page, string? departmentCode, CancellationToken cancellationToken);
}

/// <summary>Shared data resources (数据资源目录) with per-field levels; registered once, as <see cref="ILicenseTypeStore"/>.</summary>
public interface IDataResourceStore
{
    Task<Outcome<(DataResourceDefinition Resource, bool Created)>> RegisterAsync(RegisterDataResourceRequest normalized, Guid callerId, CancellationToken cancellationToken);

    Task<DataResourceDefinition?> FindAsync(string resourceCode, CancellationToken cancellationToken);

    /// <summary>Ordered by resource code, keyset-paged, filtered by any of: name contains, provider, most sensitive level, sharing type.</summary>
    Task<(IReadOnlyList<DataResourceDefinition> Resources, string? NextCursor)> ListAsync(PageRequest page, ResourceFilter filter, CancellationToken cancellationToken);
}
