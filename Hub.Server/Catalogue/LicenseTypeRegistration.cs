using Hub.Catalogue.V1;
using Hub.Common.V1;
using Hub.Core.Errors;
using Hub.Core.Validation;
using Hub.Signing.Identifiers;

namespace Hub.Server.Catalogue;

/// <summary>Validates a license type registration and brings it to one normal form (so equal content compares equal).</summary>
public static class LicenseTypeRegistration
{
    public const int MaxFields = 100;
    public const int MaxIssuers = 200;

    public static Outcome<RegisterLicenseTypeRequest> Parse(RegisterLicenseTypeRequest request)
    {
        var violations = new Violations();
        var typeCode = violations.Text("type_code", request.TypeCode, LicenseIdentifier.TypeCodeLength).ToUpperInvariant();
        var definer = violations.Text("defining_org_code", request.DefiningOrgCode, UnifiedSocialCreditCode.Length).ToUpperInvariant();
        if (typeCode.Length > 0)
        {
            if (typeCode.Length != LicenseIdentifier.TypeCodeLength || !typeCode[18..].All(char.IsAsciiDigit))
            {
                violations.Add("type_code", "must be 21 characters: the defining organisation's 统一社会信用代码 and a 3-digit sequence");
            }
            else if (UnifiedSocialCreditCode.Problem(typeCode[..18]) is { } problem)
            {
                violations.Add("type_code", $"its first 18 characters must be a valid 统一社会信用代码: {problem}");
            }
            else if (definer.Length > 0 && typeCode[..18] != definer)
            {
                violations.Add("type_code", "must start with defining_org_code");
            }
        }

        if (definer.Length > 0 && UnifiedSocialCreditCode.Problem(definer) is { } definerProblem)
        {
            violations.Add("defining_org_code", $"is not a valid 统一社会信用代码: {definerProblem}");
        }

        var name = violations.Text("name", request.Name, InputLimits.NameLength);
        var issuers = new SortedSet<string>(StringComparer.Ordinal);
        if (request.IssuerOrgCodes.Count is 0 or > MaxIssuers)
        {
            violations.Add("issuer_org_codes", $"name 1 to {MaxIssuers} issuing organisations");
        }

        for (var i = 0; i < request.IssuerOrgCodes.Count && i < MaxIssuers; i++)
        {
            var code = request.IssuerOrgCodes[i].Trim().ToUpperInvariant();
            if (UnifiedSocialCreditCode.Problem(code) is { } problem)
            {
                violations.Add($"issuer_org_codes[{i}]", $"is not a valid 统一社会信用代码: {problem}");
            }
            else
            {
                issuers.Add(code);
            }
        }

        var holderKind = violations.Enum("holder_kind", request.HolderKind);
        var sharing = violations.Enum("sharing_type", request.SharingType);
        var fields = FieldSpecs.Parse(request.Fields, violations, MaxFields, "face fields");

        // UNSPECIFIED stays in the normal form (the default is applied when read), so a registration made before these
        // levels existed still compares equal to the same registration today.
        var numberLevel = OptionalLevel("license_number_level", request.LicenseNumberLevel, violations);
        var reasonLevel = OptionalLevel("status_reason_level", request.StatusReasonLevel, violations);

        if (violations.ToError() is { } error)
        {
            return error;
        }

        return new RegisterLicenseTypeRequest
        {
            TypeCode = typeCode,
            Name = name,
            DefiningOrgCode = definer,
            IssuerOrgCodes = { issuers },
            HolderKind = holderKind,
            Fields = { fields },
            SharingType = sharing,
            LicenseNumberLevel = numberLevel,
            StatusReasonLevel = reasonLevel,
        };
    }

    private static DataLevel OptionalLevel(string field, DataLevel level, Violations violations)
    {
        if (level != DataLevel.Unspecified)
        {
            violations.Enum(field, level);
        }

        return level;
    }
}
