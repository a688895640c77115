using Hub.Common.V1;
using Hub.Core.Contracts;
using Hub.Core.Errors;
using Hub.Core.Holders;
using Hub.Core.Time;
using Hub.Core.Validation;
using Hub.Server.Catalogue;
using Hub.Signing.Identifiers;

namespace Hub.Server.Licenses;

/// <summary>The fields of a new license as they arrive, from IssueLicense or one ImportLicenses record.</summary>
public readonly record struct NewLicenseFields(
    string TypeCode, string LicenseNumber, Holder? Holder, Google.Type.Date? ValidFrom, Google.Type.Date? ValidUntil, IDictionary<string, string> Face);

/// <summary>A new license's content once every field checked out against its type.</summary>
public sealed record NewLicense(LicenseTypeDefinition Type, string LicenseNumber, HolderInput Holder, DateOnly ValidFrom, DateOnly? ValidUntil, Dictionary<string, string> Face);

/// <summary>
/// The one validation of a new license's content, shared by IssueLicense and ImportLicenses: every field, the face
/// against the registered type, the holder against the type's holder kind, and that the caller's organisation may
/// issue the type. Every problem is collected at once; nothing is read but the (cached) license type.
/// </summary>
public sealed class NewLicenseValidator(ILicenseTypeStore types, HolderInputParser holders)
{
    public const int MaxFaceFields = 100;

    /// <summary>
    /// The license, or the error: <c>InvalidArgument</c> with every violation (added to <paramref name="violations"/>
    /// too, so a caller may add its own first), <c>NotFound</c> for an unknown type, <c>PermissionDenied</c> when the
    /// caller's organisation is not an issuer of the type.
    /// </summary>
    public async Task<Outcome<NewLicense>> ValidateAsync(string issuerOrgCode, NewLicenseFields fields, Violations violations, DateOnly today, CancellationToken cancellationToken)
    {
        var typeCode = violations.Text("type_code", fields.TypeCode, LicenseIdentifier.TypeCodeLength).ToUpperInvariant();
        var number = violations.Text("license_number", fields.LicenseNumber, InputLimits.CodeLength);
        var holder = holders.Parse(fields.Holder, "holder", violations, today);
        var validFrom = ChinaCalendar.Parse(fields.ValidFrom, "valid_from", violations, required: true);
        var validUntil = ChinaCalendar.Parse(fields.ValidUntil, "valid_until", violations, required: false);
        if (validFrom is { } from && validUntil is { } until && until < from)
        {
            violations.Add("valid_until", "must not be before valid_from");
        }

        if (fields.Face.Count > MaxFaceFields)
        {
            violations.Add("face", $"at most {MaxFaceFields} fields");
        }

        // Types never change once registered, so the face can be checked against it before anything is written,
        // and every problem with the request is reported at once.
        var type = typeCode.Length == LicenseIdentifier.TypeCodeLength ? await types.FindAsync(typeCode, cancellationToken) : null;
        var face = type is null || fields.Face.Count > MaxFaceFields ? [] : ValidateFaceAndHolder(type, holder, fields.Face, violations);
        if (violations.ToError() is { } invalid)
        {
            return invalid;
        }

        if (type is null)
        {
            return HubError.NotFound(ReasonCodes.LicenseTypeNotFound, $"no license type has type_code {typeCode}.");
        }

        return type.IssuerOrgCodes.Contains(issuerOrgCode)
            ? new NewLicense(type, number, holder, validFrom!.Value, validUntil, face)
            : HubError.PermissionDenied(ReasonCodes.IssuerNotAllowed, $"organisation {issuerOrgCode} is not an issuer of license type {typeCode}.");
    }

    /// <summary>Checks a face against its type and the holder against the type's holder kind.</summary>
    public static Dictionary<string, string> ValidateFaceAndHolder(LicenseTypeDefinition type, HolderInput holder, IDictionary<string, string> face, Violations violations)
    {
        var organization = HolderIdTypes.IsOrganization(holder.IdType);
        if (type.HolderKind == Hub.Catalogue.V1.HolderKind.Organization && !organization)
        {
            violations.Add("holder.id_type", $"license type {type.TypeCode} is held by organisations: use USCC");
        }
        else if (type.HolderKind == Hub.Catalogue.V1.HolderKind.Person && organization)
        {
            violations.Add("holder.id_type", $"license type {type.TypeCode} is held by persons: use a personal identifier");
        }

        return FaceValidation.Validate(type, face, violations);
    }
}
