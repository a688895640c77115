using Google.Protobuf;
using Hub.Core.Errors;
using Hub.Core.Validation;
using Hub.Exchange.V1;
using Hub.Server.Catalogue;

namespace Hub.Server.Exchange;

/// <summary>
/// RequestGrant, every field checked at once — the named fields against the resource and the matters against the
/// catalogue — so the caller learns every problem in one answer. The resource is null when none has the code.
/// </summary>
public sealed record RequestGrantCommand(
    string RequestId, string ResourceCode, DataResourceDefinition? Resource, string Purpose, int RequestedDays, IReadOnlyList<string> Fields, IReadOnlyList<string> MatterCodes, IMessage Request)
{
    public static async Task<Outcome<RequestGrantCommand>> ParseAsync(
        RequestGrantRequest request, ExchangeOptions settings, IDataResourceStore resources, IMatterStore matters, CancellationToken cancellationToken)
    {
        var violations = new Violations();
        var requestId = violations.Text("request_id", request.RequestId, InputLimits.RequestIdLength);
        var code = violations.Text("resource_code", request.ResourceCode, InputLimits.CodeLength);
        var purpose = violations.Text("purpose", request.Purpose, InputLimits.PurposeLength);
        var days = request.RequestedDays == 0 ? settings.DefaultGrantDays : request.RequestedDays;
        if (days < 1 || days > settings.MaxGrantDays)
        {
            violations.Add("requested_days", $"must be between 1 and {settings.MaxGrantDays} (0 means {settings.DefaultGrantDays})");
        }

        var resource = code.Length is > 0 and <= InputLimits.CodeLength ? await resources.FindAsync(code, cancellationToken) : null;
        var fields = FieldSelection.Parse(request.Fields, resource?.FieldNames, $"data resource {code}", violations, required: true);
        var matterCodes = await ParseMatterCodesAsync(request.MatterCodes, matters, violations, cancellationToken);
        return violations.ToError() is { } invalid
            ? invalid
            : new RequestGrantCommand(requestId, code, resource, purpose, days, fields, matterCodes, request);
    }

    private static async Task<List<string>> ParseMatterCodesAsync(
        Google.Protobuf.Collections.RepeatedField<string> requested, IMatterStore matters, Violations violations, CancellationToken cancellationToken)
    {
        var codes = new List<string>();
        if (requested.Count > InputLimits.MaxMatters)
        {
            violations.Add("matter_codes", $"at most {InputLimits.MaxMatters} matters");
        }

        for (var i = 0; i < requested.Count && i < InputLimits.MaxMatters; i++)
        {
            var code = violations.Text($"matter_codes[{i}]", requested[i], InputLimits.CodeLength);
            if (code.Length > 0 && code.Length <= InputLimits.CodeLength && await matters.GetAsync(code, cancellationToken) is null)
            {
                violations.Add($"matter_codes[{i}]", $"no matter {code} is registered");
            }
            else if (!codes.Contains(code))
            {
                codes.Add(code);
            }
        }

        return codes;
    }
}

/// <summary>DecideGrant: approve, or reject with a reason.</summary>
public sealed record DecideGrantCommand(string RequestId, Guid GrantId, bool Approve, string Reason, IMessage Request)
{
    public static Outcome<DecideGrantCommand> Parse(DecideGrantRequest request)
    {
        var violations = new Violations();
        var requestId = violations.Text("request_id", request.RequestId, InputLimits.RequestIdLength);
        var grantId = GrantIdInput.Parse(request.GrantId, violations);
        var reason = violations.Text("reason", request.Reason, InputLimits.ReasonLength, required: !request.Approve);
        return violations.ToError() is { } invalid ? invalid : new DecideGrantCommand(requestId, grantId, request.Approve, reason, request);
    }
}

/// <summary>RevokeGrant, with its reason.</summary>
public sealed record RevokeGrantCommand(string RequestId, Guid GrantId, string Reason, IMessage Request)
{
    public static Outcome<RevokeGrantCommand> Parse(RevokeGrantRequest request)
    {
        var violations = new Violations();
        var requestId = violations.Text("request_id", request.RequestId, InputLimits.RequestIdLength);
        var grantId = GrantIdInput.Parse(request.GrantId, violations);
        var reason = violations.Text("reason", request.Reason, InputLimits.ReasonLength);
        return violations.ToError() is { } invalid ? invalid : new RevokeGrantCommand(requestId, grantId, reason, request);
    }
}

/// <summary>ListGrants: a page, optionally narrowed by resource, status and scope.</summary>
public sealed record ListGrantsCommand(PageRequest Page, string? ResourceCode, GrantStatus? Status, GrantScope Scope)
{
    public static Outcome<ListGrantsCommand> Parse(ListGrantsRequest request)
    {
        var violations = new Violations();
        var page = PageRequest.Parse(request.PageSize, request.PageToken, violations);
        var code = violations.Text("resource_code", request.ResourceCode, InputLimits.CodeLength, required: false);
        if (request.Status != GrantStatus.Unspecified && !Enum.IsDefined(request.Status))
        {
            violations.Add("status", $"has an unknown value {request.Status}");
        }

        if (request.Scope != GrantScope.Unspecified && !Enum.IsDefined(request.Scope))
        {
            violations.Add("scope", $"has an unknown value {request.Scope}");
        }

        return violations.ToError() is { } invalid
            ? invalid
            : new ListGrantsCommand(page, code.Length > 0 ? code : null, request.Status == GrantStatus.Unspecified ? null : request.Status, request.Scope);
    }
}

/// <summary>The grant_id of a request: a UUID returned by RequestGrant.</summary>
public static class GrantIdInput
{
    public static Outcome<Guid> Parse(string text)
    {
        var violations = new Violations();
        var id = Parse(text, violations);
        return violations.ToError() is { } invalid ? invalid : id;
    }

    public static Guid Parse(string text, Violations violations) =>
        violations.Uuid("grant_id", text, "a grant id (a UUID returned by RequestGrant)");
}
