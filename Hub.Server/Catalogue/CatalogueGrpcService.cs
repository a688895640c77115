using Grpc.Core;
using Hub.Catalogue.V1;
using Hub.Common.V1;
using Hub.Core.Callers;
using Hub.Core.Errors;
using Hub.Core.Validation;

namespace Hub.Server.Catalogue;

/// <summary>Adapts catalogue.proto to the catalogue stores: validate, call, map.</summary>
public sealed class CatalogueGrpcService(PostgresLicenseTypeStore licenseTypes, PostgresMatterStore matters) : CatalogueService.CatalogueServiceBase
{
    [RequiresRole(Role.Catalogue)]
    public override async Task<RegisterLicenseTypeResponse> RegisterLicenseType(RegisterLicenseTypeRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        var normalized = LicenseTypeRegistration.Parse(request).ValueOrThrow();
        var (type, created) = (await licenseTypes.RegisterAsync(normalized, caller.Id, context.CancellationToken)).ValueOrThrow();
        return new RegisterLicenseTypeResponse { LicenseType = type.ToMessage(), Created = created };
    }

    [AnyCaller]
    public override async Task<GetLicenseTypeResponse> GetLicenseType(GetLicenseTypeRequest request, ServerCallContext context)
    {
        var violations = new Violations();
        var code = violations.Text("type_code", request.TypeCode, 21).ToUpperInvariant();
        violations.ThrowIfAny();
        var type = await licenseTypes.FindAsync(code, context.CancellationToken)
            ?? throw new HubException(HubError.NotFound("LICENSE_TYPE_NOT_FOUND", "no license type has this type_code."));
        return new GetLicenseTypeResponse { LicenseType = type.ToMessage() };
    }

    [AnyCaller]
    public override async Task<ListLicenseTypesResponse> ListLicenseTypes(ListLicenseTypesRequest request, ServerCallContext context)
    {
        var violations = new Violations();
        var page = PageRequest.Parse(request.PageSize, request.PageToken, violations);
        var issuer = violations.Text("issuer_org_code", request.IssuerOrgCode, 18, required: false).ToUpperInvariant();
        violations.ThrowIfAny();
        var (types, next) = await licenseTypes.ListAsync(page, issuer.Length > 0 ? issuer : null, context.CancellationToken);
        return new ListLicenseTypesResponse
        {
            LicenseTypes = { types.Select(t => t.ToMessage()) },
            NextPageToken = next is null ? string.Empty : PageRequest.EncodeToken(next),
        };
    }

    [RequiresRole(Role.Catalogue)]
    public override async Task<RegisterMatterResponse> RegisterMatter(RegisterMatterRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        var normalized = (await MatterRegistration.ParseAsync(request, code => licenseTypes.FindAsync(code, context.CancellationToken))).ValueOrThrow();
        var (matter, created) = (await matters.RegisterAsync(normalized, caller.Id, context.CancellationToken)).ValueOrThrow();
        return new RegisterMatterResponse { Matter = matter, Created = created };
    }

    [AnyCaller]
    public override async Task<GetMatterResponse> GetMatter(GetMatterRequest request, ServerCallContext context)
    {
        var violations = new Violations();
        var code = violations.Text("matter_code", request.MatterCode, InputLimits.CodeLength);
        violations.ThrowIfAny();
        var matter = await matters.GetAsync(code, context.CancellationToken)
            ?? throw new HubException(HubError.NotFound("MATTER_NOT_FOUND", "no matter has this matter_code."));
        return new GetMatterResponse { Matter = matter };
    }

    [AnyCaller]
    public override async Task<ListMattersResponse> ListMatters(ListMattersRequest request, ServerCallContext context)
    {
        var violations = new Violations();
        var page = PageRequest.Parse(request.PageSize, request.PageToken, violations);
        var department = violations.Text("department_code", request.DepartmentCode, 18, required: false).ToUpperInvariant();
        violations.ThrowIfAny();
        var (list, next) = await matters.ListAsync(page, department.Length > 0 ? department : null, context.CancellationToken);
        return new ListMattersResponse { Matters = { list }, NextPageToken = next is null ? string.Empty : PageRequest.EncodeToken(next) };
    }
}
