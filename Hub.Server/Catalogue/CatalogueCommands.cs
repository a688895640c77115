using Hub.Catalogue.V1;
using Hub.Common.V1;
using Hub.Core.Errors;
using Hub.Core.Validation;

namespace Hub.Server.Catalogue;

/// <summary>The codes the catalogue's reads take, each checked for shape.</summary>
public static class CatalogueCommands
{
    public static Outcome<string> TypeCode(string text) => Code("type_code", text, InputLimits.TypeCodeLength, upper: true);

    public static Outcome<string> MatterCode(string text) => Code("matter_code", text, InputLimits.CodeLength, upper: false);

    public static Outcome<string> ResourceCode(string text) => Code("resource_code", text, InputLimits.CodeLength, upper: false);

    private static Outcome<string> Code(string field, string text, int maxLength, bool upper)
    {
        var violations = new Violations();
        var code = violations.Text(field, text, maxLength);
        return violations.ToError() is { } invalid ? invalid : upper ? code.ToUpperInvariant() : code;
    }
}

/// <summary>ListLicenseTypes: a page, optionally only the types one organisation may issue.</summary>
public sealed record ListLicenseTypesCommand(PageRequest Page, string? IssuerOrgCode)
{
    public static Outcome<ListLicenseTypesCommand> Parse(ListLicenseTypesRequest request)
    {
        var violations = new Violations();
        var page = PageRequest.Parse(request.PageSize, request.PageToken, violations);
        var issuer = violations.Text("issuer_org_code", request.IssuerOrgCode, InputLimits.OrgCodeLength, required: false).ToUpperInvariant();
        return violations.ToError() is { } invalid ? invalid : new ListLicenseTypesCommand(page, issuer.Length > 0 ? issuer : null);
    }
}

/// <summary>ListMatters: a page, optionally one department's.</summary>
public sealed record ListMattersCommand(PageRequest Page, string? DepartmentCode)
{
    public static Outcome<ListMattersCommand> Parse(ListMattersRequest request)
    {
        var violations = new Violations();
        var page = PageRequest.Parse(request.PageSize, request.PageToken, violations);
        var department = violations.Text("department_code", request.DepartmentCode, InputLimits.OrgCodeLength, required: false).ToUpperInvariant();
        return violations.ToError() is { } invalid ? invalid : new ListMattersCommand(page, department.Length > 0 ? department : null);
    }
}

/// <summary>ListDataResources: a page, filtered by name, provider, level and sharing type.</summary>
public sealed record ListDataResourcesCommand(PageRequest Page, ResourceFilter Filter)
{
    public static Outcome<ListDataResourcesCommand> Parse(ListDataResourcesRequest request)
    {
        var violations = new Violations();
        var page = PageRequest.Parse(request.PageSize, request.PageToken, violations);
        var name = violations.Text("name", request.Name, InputLimits.NameLength, required: false);
        var provider = violations.Text("provider_org_code", request.ProviderOrgCode, InputLimits.OrgCodeLength, required: false).ToUpperInvariant();
        if (request.Level != DataLevel.Unspecified)
        {
            violations.Enum("level", request.Level);
        }

        if (request.SharingType != SharingType.Unspecified)
        {
            violations.Enum("sharing_type", request.SharingType);
        }

        if (violations.ToError() is { } invalid)
        {
            return invalid;
        }

        return new ListDataResourcesCommand(page, new ResourceFilter(
            name.Length > 0 ? name : null,
            provider.Length > 0 ? provider : null,
            request.Level == DataLevel.Unspecified ? null : request.Level,
            request.SharingType == SharingType.Unspecified ? null : request.SharingType));
    }
}
