using Hub.Common.V1;
using Hub.Core.Errors;
using Hub.Core.Holders;
using Hub.Core.Validation;
using Hub.Delegations.V1;

namespace Hub.Server.Delegations;

/// <summary>GrantDelegation: who lets whom use what, for what, for how long, how often.</summary>
public sealed record GrantDelegationCommand(
    string RequestId, HolderInput Principal, HolderInput Delegate, IReadOnlyList<string> LicenseIdentifiers, IReadOnlyList<string> TypeCodes,
    IReadOnlyList<string> MatterCodes, IReadOnlyList<string> Purposes, int ValidDays, bool SingleUse, GrantDelegationRequest Request)
{
    public const int DefaultValidDays = 30;
    public const int MaxValidDays = 366;
    public const int MaxEach = 20;

    public static Outcome<GrantDelegationCommand> Parse(GrantDelegationRequest request, HolderInputParser holders, DateOnly today)
    {
        var violations = new Violations();
        var requestId = violations.Text("request_id", request.RequestId, InputLimits.RequestIdLength);
        var principal = holders.Parse(request.Principal, "principal", violations, today, nameRequired: false);
        var @delegate = holders.Parse(request.Delegate, "delegate", violations, today, nameRequired: false);
        if (principal.IdType == @delegate.IdType && principal.IdNumber == @delegate.IdNumber && principal.IdNumber.Length > 0)
        {
            violations.Add("delegate", "must be someone other than the principal");
        }

        if (@delegate.IdType is not (HolderIdType.CitizenId or HolderIdType.Uscc) && @delegate.IdNumber.Length > 0)
        {
            violations.Add("delegate.id_type", "a delegate is a person by citizen ID (HOLDER_ID_TYPE_CITIZEN_ID) or an organisation by 统一社会信用代码 (HOLDER_ID_TYPE_USCC)");
        }

        var identifiers = List(violations, "license_identifiers", request.LicenseIdentifiers, InputLimits.IdentifierLength);
        var types = List(violations, "type_codes", request.TypeCodes, InputLimits.TypeCodeLength).Select(t => t.ToUpperInvariant()).Distinct().ToList();
        var matters = List(violations, "matter_codes", request.MatterCodes, InputLimits.CodeLength);
        var purposes = List(violations, "purposes", request.Purposes, InputLimits.PurposeLength);
        if (identifiers.Count + types.Count == 0)
        {
            violations.Add("license_identifiers", "name at least one license identifier or type code the delegate may use");
        }

        if (matters.Count + purposes.Count == 0)
        {
            violations.Add("matter_codes", "name at least one matter code or purpose the delegate may use them for");
        }

        var days = request.ValidDays == 0 ? DefaultValidDays : (int)Math.Min(request.ValidDays, int.MaxValue);
        if (days > MaxValidDays)
        {
            violations.Add("valid_days", $"must be 1 to {MaxValidDays} (0 means {DefaultValidDays})");
        }

        return violations.ToError() is { } invalid
            ? invalid
            : new GrantDelegationCommand(requestId, principal, @delegate, identifiers, types, matters, purposes, days, request.SingleUse, request);
    }

    private static List<string> List(Violations violations, string field, Google.Protobuf.Collections.RepeatedField<string> values, int maxLength)
    {
        if (values.Count > MaxEach)
        {
            violations.Add(field, $"name at most {MaxEach}");
            return [];
        }

        return [.. values.Select((v, i) => violations.Text($"{field}[{i}]", v, maxLength)).Distinct(StringComparer.Ordinal)];
    }
}

/// <summary>RevokeDelegation: which delegation ends now.</summary>
public sealed record RevokeDelegationCommand(string RequestId, Guid DelegationId, RevokeDelegationRequest Request)
{
    public static Outcome<RevokeDelegationCommand> Parse(RevokeDelegationRequest request)
    {
        var violations = new Violations();
        var requestId = violations.Text("request_id", request.RequestId, InputLimits.RequestIdLength);
        var id = DelegationIdInput.Parse(request.DelegationId, violations);
        return violations.ToError() is { } invalid ? invalid : new RevokeDelegationCommand(requestId, id, request);
    }
}

/// <summary>ListDelegations: as principal (default) or as delegate, and the page.</summary>
public sealed record ListDelegationsCommand(bool AsPrincipal, PageRequest Page)
{
    public static Outcome<ListDelegationsCommand> Parse(ListDelegationsRequest request)
    {
        var violations = new Violations();
        var role = request.Role == DelegationRole.Unspecified ? DelegationRole.Principal : violations.Enum("role", request.Role);
        var page = PageRequest.Parse(request.PageSize, request.PageToken, violations);
        return violations.ToError() is { } invalid ? invalid : new ListDelegationsCommand(role == DelegationRole.Principal, page);
    }
}

/// <summary>A delegation_id: a UUID the hub gave out.</summary>
public static class DelegationIdInput
{
    public static Guid Parse(string value, Violations violations) =>
        violations.Uuid("delegation_id", value, "a delegation id (a UUID returned by GrantDelegation)");

    public static Outcome<Guid> Parse(string value)
    {
        var violations = new Violations();
        var id = Parse(value, violations);
        return violations.ToError() is { } invalid ? invalid : id;
    }
}
