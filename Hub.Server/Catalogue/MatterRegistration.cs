using Hub.Catalogue.V1;
using Hub.Core.Access;
using Hub.Core.Errors;
using Hub.Core.Validation;
using Hub.Signing.Identifiers;

namespace Hub.Server.Catalogue;

/// <summary>Validates a matter registration against the registered license types, in one normal form.</summary>
public static class MatterRegistration
{
    public const int MaxMaterials = 50;
    public const int MaxAcceptedTypes = 10;
    public const int MaxNeededFields = 50;
    public const int MaxDeadlineWorkingDays = 180;
    public const int CommitmentTextLength = 2000;

    public static async Task<Outcome<RegisterMatterRequest>> ParseAsync(RegisterMatterRequest request, Func<string, Task<LicenseTypeDefinition?>> findType)
    {
        var violations = new Violations();
        var code = violations.Text("matter_code", request.MatterCode, InputLimits.CodeLength);
        var name = violations.Text("name", request.Name, InputLimits.NameLength);
        var department = violations.Text("department_code", request.DepartmentCode, UnifiedSocialCreditCode.Length).ToUpperInvariant();
        if (department.Length > 0 && UnifiedSocialCreditCode.Problem(department) is { } problem)
        {
            violations.Add("department_code", $"is not a valid 统一社会信用代码: {problem}");
        }

        if (request.Materials.Count is 0 or > MaxMaterials)
        {
            violations.Add("materials", $"list 1 to {MaxMaterials} materials");
        }

        var normalized = new RegisterMatterRequest { MatterCode = code, Name = name, DepartmentCode = department };
        var codes = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < request.Materials.Count && i < MaxMaterials; i++)
        {
            var material = request.Materials[i];
            var path = $"materials[{i}]";
            var materialCode = violations.Text($"{path}.material_code", material.MaterialCode, InputLimits.CodeLength);
            if (materialCode.Length > 0 && !codes.Add(materialCode))
            {
                violations.Add($"{path}.material_code", $"'{materialCode}' is listed twice");
            }

            var materialName = violations.Text($"{path}.name", material.Name, InputLimits.NameLength);
            if (material.AcceptedTypeCodes.Count is 0 or > MaxAcceptedTypes)
            {
                violations.Add($"{path}.accepted_type_codes", $"name 1 to {MaxAcceptedTypes} license types");
            }

            var types = new List<LicenseTypeDefinition>();
            for (var j = 0; j < material.AcceptedTypeCodes.Count && j < MaxAcceptedTypes; j++)
            {
                var typeCode = material.AcceptedTypeCodes[j].Trim().ToUpperInvariant();
                if (await findType(typeCode) is { } type)
                {
                    types.Add(type);
                }
                else
                {
                    violations.Add($"{path}.accepted_type_codes[{j}]", $"no license type {typeCode} is registered");
                }
            }

            if (material.NeededFields.Count > MaxNeededFields)
            {
                violations.Add($"{path}.needed_fields", $"at most {MaxNeededFields} fields");
            }

            for (var j = 0; j < material.NeededFields.Count && j < MaxNeededFields; j++)
            {
                var field = material.NeededFields[j].Trim();
                if (types.Count > 0 && types.All(t => t.Field(field) is null))
                {
                    violations.Add($"{path}.needed_fields[{j}]", $"'{field}' is not a field of any accepted license type");
                }
            }

            var commitment = Terms(violations, $"{path}.commitment", material.Commitment, commitmentTextRequired: true);
            var deficiency = Terms(violations, $"{path}.deficiency", material.Deficiency, commitmentTextRequired: false);
            if (material.ExcludeBreachedApplicants && commitment is null && deficiency is null)
            {
                violations.Add($"{path}.exclude_breached_applicants", "applies only to a material that allows commitment or deficiency");
            }

            normalized.Materials.Add(new Material
            {
                MaterialCode = materialCode,
                Name = materialName,
                AcceptedTypeCodes = { material.AcceptedTypeCodes.Select(c => c.Trim().ToUpperInvariant()) },
                NeededFields = { material.NeededFields.Select(f => f.Trim()) },
                Commitment = commitment,
                Deficiency = deficiency,
                ExcludeBreachedApplicants = material.ExcludeBreachedApplicants,
            });
        }

        // A CheckMatter entry names every disclosed field as material.field: the matter must fit in one entry.
        var named = normalized.Materials.Sum(m => m.NeededFields.Sum(f => m.MaterialCode.Length + 1 + f.Length));
        if (named > AccessRecordLimits.FieldsLength)
        {
            violations.Add("materials", $"the needed fields of all materials, written material_code.field, total {named} characters; at most {AccessRecordLimits.FieldsLength} fit in an access-log entry");
        }

        return violations.ToError() is { } error ? error : normalized;
    }

    /// <summary>告知承诺 / 容缺后补 terms in normal form, or null when the material does not allow the mode.</summary>
    private static AcceptanceTerms? Terms(Violations violations, string path, AcceptanceTerms? terms, bool commitmentTextRequired)
    {
        if (terms is null)
        {
            return null;
        }

        if (terms.DeadlineWorkingDays is < 1 or > MaxDeadlineWorkingDays)
        {
            violations.Add($"{path}.deadline_working_days", $"give 1 to {MaxDeadlineWorkingDays} working days");
        }

        return new AcceptanceTerms
        {
            DeadlineWorkingDays = terms.DeadlineWorkingDays,
            CommitmentText = violations.Text($"{path}.commitment_text", terms.CommitmentText, CommitmentTextLength, required: commitmentTextRequired),
            OnBreach = violations.Text($"{path}.on_breach", terms.OnBreach, InputLimits.ReasonLength),
        };
    }
}
