using System.Text.RegularExpressions;
using Hub.Catalogue.V1;
using Hub.Common.V1;
using Hub.Core.Access;
using Hub.Core.Errors;
using Hub.Core.Validation;
using Hub.Signing.Identifiers;

namespace Hub.Server.Catalogue;

/// <summary>Validates a data resource registration and brings it to one normal form (so equal content compares equal).</summary>
public static partial class DataResourceRegistration
{
    public const int MaxFields = 200;
    public const int MaxEndpointLength = 500;
    public const int MaxTextLength = 1000;

    /// <summary>The registration in normal form, or every problem with it; http:// endpoints only when <paramref name="allowPlaintext"/>.</summary>
    public static Outcome<RegisterDataResourceRequest> Parse(RegisterDataResourceRequest request, bool allowPlaintext)
    {
        var violations = new Violations();
        var code = violations.Text("resource_code", request.ResourceCode, InputLimits.CodeLength);
        if (code.Length > 0 && !ResourceCode().IsMatch(code))
        {
            violations.Add("resource_code", "may hold only letters, digits, '.', '_' and '-'");
        }

        var name = violations.Text("name", request.Name, InputLimits.NameLength);
        var provider = violations.Text("provider_org_code", request.ProviderOrgCode, UnifiedSocialCreditCode.Length).ToUpperInvariant();
        if (provider.Length > 0 && UnifiedSocialCreditCode.Problem(provider) is { } problem)
        {
            violations.Add("provider_org_code", $"is not a valid 统一社会信用代码: {problem}");
        }

        var endpoint = violations.Text("provider_endpoint", request.ProviderEndpoint, MaxEndpointLength);
        if (endpoint.Length > 0 && EndpointProblem(endpoint, allowPlaintext) is { } endpointProblem)
        {
            violations.Add("provider_endpoint", endpointProblem);
        }

        var keyKind = violations.Enum("key_kind", request.KeyKind);
        var fields = FieldSpecs.Parse(request.Fields, violations, MaxFields, "fields");
        if (fields.Sum(f => f.Name.Length) is var named && named > AccessRecordLimits.FieldsLength)
        {
            // A query's entry may name every field of the resource.
            violations.Add("fields", $"the field names total {named} characters; at most {AccessRecordLimits.FieldsLength} fit in an access-log entry");
        }

        var sharing = violations.Enum("sharing_type", request.SharingType);
        var condition = violations.Text("sharing_condition", request.SharingCondition, MaxTextLength, required: sharing == SharingType.Conditional);
        var basis = violations.Text("legal_basis", request.LegalBasis, MaxTextLength, required: sharing == SharingType.NotShared);
        var cycle = violations.Enum("update_cycle", request.UpdateCycle);

        if (violations.ToError() is { } error)
        {
            return error;
        }

        return new RegisterDataResourceRequest
        {
            ResourceCode = code,
            Name = name,
            ProviderOrgCode = provider,
            ProviderEndpoint = new Uri(endpoint).GetLeftPart(UriPartial.Authority),
            KeyKind = keyKind,
            Fields = { fields },
            SharingType = sharing,
            SharingCondition = condition,
            LegalBasis = basis,
            UpdateCycle = cycle,
        };
    }

    private static string? EndpointProblem(string endpoint, bool allowPlaintext)
    {
        if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || uri.Host.Length == 0
            || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            return "must be an absolute https:// address of the provider's gRPC server (scheme, host and port)";
        }

        if (uri.Scheme == Uri.UriSchemeHttp && !allowPlaintext)
        {
            return "must use https:// (plain-text endpoints are allowed only with Hub:Exchange:AllowPlaintextProviders)";
        }

        if (uri.AbsolutePath != "/" || uri.Query.Length > 0 || uri.Fragment.Length > 0 || uri.UserInfo.Length > 0)
        {
            return "must be only scheme, host and port: no path, query or credentials";
        }

        return null;
    }

    [GeneratedRegex("^[A-Za-z0-9._-]+$")]
    private static partial Regex ResourceCode();
}
