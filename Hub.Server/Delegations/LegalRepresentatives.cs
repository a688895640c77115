using Hub.Adapters.Exemption;
using Hub.Adapters.Ports;
using Hub.Catalogue.V1;
using Hub.Core.Time;
using Hub.Core.Validation;
using Hub.Server.Catalogue;

namespace Hub.Server.Delegations;

/// <summary>
/// An organisation's legal representative (法定代表人) as its licenses state it: the <c>legal_representative</c> face
/// field of its current, valid license of a type that has one (the 营业执照). A delegation an organisation grants
/// keeps the type and the name, and ends when that license names someone else.
/// </summary>
public sealed class LegalRepresentatives(ILicenseTypeStore types, IHolderLicenseSource licenses, TimeProvider time)
{
    public const string Field = "legal_representative";

    /// <summary>The license type and the legal representative it names today; null when no valid license names one.</summary>
    public async Task<(string TypeCode, string Name)?> FindAsync(byte[] organisationIndex, CancellationToken cancellationToken)
    {
        var typeCodes = await TypesWithFieldAsync(cancellationToken);
        return typeCodes.Count == 0 ? null : await FindAsync(organisationIndex, typeCodes, cancellationToken);
    }

    /// <summary>As <see cref="FindAsync(byte[], CancellationToken)"/>, in the licenses of the type the delegation recorded.</summary>
    public async Task<(string TypeCode, string Name)?> FindAsync(byte[] organisationIndex, IReadOnlyCollection<string> typeCodes, CancellationToken cancellationToken)
    {
        var held = await licenses.FindAsync(organisationIndex, typeCodes, cancellationToken);
        var (chosen, _) = LicenseSelection.Choose(held.Where(l => l.Face.TryGetValue(Field, out var name) && name.Length > 0), ChinaCalendar.Today(time));
        return chosen is null ? null : (chosen.TypeCode, chosen.Face[Field]);
    }

    private async Task<IReadOnlyList<string>> TypesWithFieldAsync(CancellationToken cancellationToken)
    {
        var found = new List<string>();
        string? cursor = null;
        do
        {
            var (page, next) = await types.ListAsync(new PageRequest(InputLimits.MaxPageSize, cursor), null, cancellationToken);
            found.AddRange(page.Where(t => t.HolderKind == HolderKind.Organization && t.Fields.Any(f => f.Name == Field)).Select(t => t.TypeCode));
            cursor = next;
        }
        while (cursor is not null);
        return found;
    }
}
