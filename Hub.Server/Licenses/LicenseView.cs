using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Hub.Common.V1;
using Hub.Core.Disclosure;
using Hub.Core.Holders;
using Hub.Core.Time;
using Hub.Licenses.V1;
using Hub.Server.Catalogue;

namespace Hub.Server.Licenses;

/// <summary>
/// Builds the <see cref="License"/> a caller receives: holder, license number, status reason and face fields through
/// the one disclosure policy, and the sealed canonical JSON and seal only when every field is disclosed in plain.
/// </summary>
public static class LicenseView
{
    public static (License License, DisclosedRecord Disclosed) Build(StoredLicense stored, LicenseTypeDefinition type, DisclosureContext context, DateOnly today)
    {
        var content = stored.Content;
        var values = new Dictionary<string, string>(content.Face)
        {
            [DisclosurePolicy.HolderName.Name] = content.Holder.Name,
            [DisclosurePolicy.HolderIdNumber.Name] = content.Holder.IdNumber,
            [type.LicenseNumberSpec.Name] = content.LicenseNumber,
        };
        if (!string.IsNullOrEmpty(stored.StatusReason))
        {
            values[type.StatusReasonSpec.Name] = stored.StatusReason;
        }

        var holderFields = DisclosurePolicy.HolderFields(HolderIdTypes.IsOrganization(content.Holder.IdType));
        var disclosed = DisclosurePolicy.Apply([.. holderFields, type.LicenseNumberSpec, type.StatusReasonSpec, .. type.Fields], values, context);
        var license = new License
        {
            Identifier = stored.Identifier,
            TypeCode = content.TypeCode,
            TypeName = content.TypeName,
            LicenseNumber = disclosed.Values.GetValueOrDefault(type.LicenseNumberSpec.Name, string.Empty),
            Version = (uint)stored.Version,
            CurrentVersion = (uint)stored.CurrentVersion,
            Holder = new Holder
            {
                IdType = content.Holder.IdType,
                Name = disclosed.Values.GetValueOrDefault(DisclosurePolicy.HolderName.Name, string.Empty),
                IdNumber = disclosed.Values.GetValueOrDefault(DisclosurePolicy.HolderIdNumber.Name, string.Empty),
            },
            IssuerOrgCode = content.IssuerOrgCode,
            IssuerOrgName = content.IssuerOrgName,
            IssuedAt = Timestamp.FromDateTimeOffset(content.IssuedAt),
            ValidFrom = ChinaCalendar.ToDate(content.ValidFrom),
            Status = stored.EffectiveStatus(today),
            StatusReason = disclosed.Values.GetValueOrDefault(type.StatusReasonSpec.Name, string.Empty),
            Disclosure = { disclosed.Decisions },
        };
        if (content.ValidUntil is { } until)
        {
            license.ValidUntil = ChinaCalendar.ToDate(until);
        }

        if (content.IssuedOn is { } issuedOn)
        {
            license.IssuedOn = ChinaCalendar.ToDate(issuedOn);
        }

        license.SourceSystem = content.SourceSystem ?? string.Empty;

        foreach (var field in type.Fields)
        {
            if (disclosed.Values.TryGetValue(field.Name, out var value))
            {
                license.Face[field.Name] = value;
            }
        }

        if (disclosed.AllPlain)
        {
            license.CanonicalJson = stored.CanonicalJson;
            license.Seal = new Seal { KeyId = stored.SealKeyId, Algorithm = Keys.ISigningKeyRing.Algorithm, Signature = ByteString.CopyFrom(stored.Seal) };
        }

        return (license, disclosed);
    }
}
