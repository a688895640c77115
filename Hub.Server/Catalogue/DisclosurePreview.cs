using Hub.Catalogue.V1;
using Hub.Core.Contracts;
using Hub.Core.Disclosure;
using Hub.Core.Errors;
using Hub.Core.Time;
using Hub.Core.Validation;
using Hub.Server.Callers;

namespace Hub.Server.Catalogue;

/// <summary>
/// "What would this caller see?" — the one disclosure policy run over a data resource or a license type for a named
/// caller, without touching any record, so the platform team can check before approving anything.
/// </summary>
public sealed class DisclosurePreview(
    ICallerStore callers,
    IDataResourceStore resources,
    ILicenseTypeStore types,
    IGrantsInForce grants,
    TimeProvider time)
{
    public async Task<Outcome<PreviewDisclosureResponse>> PreviewAsync(PreviewDisclosureRequest request, CancellationToken cancellationToken)
    {
        var violations = new Violations();
        var callerText = violations.Text("caller_id", request.CallerId, InputLimits.UuidLength);
        if (callerText.Length > 0 && !Guid.TryParse(callerText, out _))
        {
            violations.Add("caller_id", "is not a caller id (a UUID returned by RegisterCaller)");
        }

        if (request.SubjectCase == PreviewDisclosureRequest.SubjectOneofCase.None)
        {
            violations.Add("subject", "name a resource_code or a type_code");
        }

        var resource = request.SubjectCase == PreviewDisclosureRequest.SubjectOneofCase.ResourceCode
            ? await FindAsync("resource_code", request.ResourceCode, InputLimits.CodeLength, resources.FindAsync, violations, cancellationToken)
            : null;
        var type = request.SubjectCase == PreviewDisclosureRequest.SubjectOneofCase.TypeCode
            ? await FindAsync("type_code", request.TypeCode.ToUpperInvariant(), InputLimits.TypeCodeLength, types.FindAsync, violations, cancellationToken)
            : null;
        if (violations.ToError() is { } invalid)
        {
            return invalid;
        }

        var callerRecord = await callers.FindByIdAsync(Guid.Parse(callerText), cancellationToken);
        if (callerRecord is null)
        {
            return HubError.NotFound(ReasonCodes.CallerNotFound, "no caller has this caller_id.");
        }

        var caller = callerRecord.Caller;
        var response = new PreviewDisclosureResponse();
        if (resource is not null)
        {
            var named = FieldSelection.Parse(request.Fields, resource.FieldNames, $"data resource {resource.ResourceCode}", violations, required: false);
            if (violations.ToError() is { } badFields)
            {
                return badFields;
            }

            if (named.Count == 0)
            {
                var grant = await grants.FindAsync(caller.Id, resource.ResourceCode, ChinaCalendar.Today(time), cancellationToken);
                response.GrantId = grant?.GrantId.ToString() ?? string.Empty;
                named = grant is null ? [.. resource.Fields.Select(f => f.Name)] : [.. grant.Fields];
            }

            var context = DisclosureContext.Named(caller.Clearance, resource.SharingType, named);
            response.Disclosure.Add(resource.Fields.Select(f => DisclosurePolicy.Decide(f, context)));
            return response;
        }

        var fields = DisclosurePolicy.HolderFields(type!.HolderKind == HolderKind.Organization).Concat(type.Fields).ToList();
        var needed = request.Fields.Select(f => f.Trim()).ToList();
        for (var i = 0; i < needed.Count; i++)
        {
            if (fields.All(f => f.Name != needed[i]))
            {
                violations.Add($"fields[{i}]", $"'{needed[i]}' is not a field of license type {type.TypeCode}");
            }
        }

        if (violations.ToError() is { } badTypeFields)
        {
            return badTypeFields;
        }

        // No fields: a verification's view. Fields: a 免证办 material needing them.
        var licenseContext = needed.Count == 0
            ? DisclosureContext.License(caller.Clearance, type.SharingType)
            : DisclosureContext.Named(caller.Clearance, type.SharingType, needed);
        response.Disclosure.Add(fields.Select(f => DisclosurePolicy.Decide(f, licenseContext)));
        return response;
    }

    private static async Task<T?> FindAsync<T>(
        string field, string text, int maxLength, Func<string, CancellationToken, Task<T?>> find, Violations violations, CancellationToken cancellationToken)
        where T : class
    {
        var code = violations.Text(field, text, maxLength);
        if (code.Length == 0 || code.Length > maxLength)
        {
            return null;
        }

        var found = await find(code, cancellationToken);
        if (found is null)
        {
            violations.Add(field, $"no {field.Replace("_code", string.Empty, StringComparison.Ordinal).Replace('_', ' ')} {code} is registered");
        }

        return found;
    }
}
