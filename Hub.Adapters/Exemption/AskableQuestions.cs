using Google.Protobuf.Collections;
using Hub.Common.V1;
using Hub.Core.Contracts;
using Hub.Core.Disclosure;
using Hub.Core.Errors;
using Hub.Exemption.V1;

namespace Hub.Adapters.Exemption;

/// <summary>
/// Which yes/no questions a caller may ask about a license type's fields. A yes/no is still a disclosure, so a
/// predicate (EXISTS or EQUALS) is asked only about a field the caller could see in plain — otherwise a masked value
/// could be found by guessing. Judged on the type, so the answer is the same whether or not the holder holds one.
/// </summary>
public static class AskableQuestions
{
    /// <summary>Null when every assertion may be asked; else the first refusal.</summary>
    public static HubError? Refusal(RepeatedField<Assertion> assertions, IReadOnlyList<FieldSpec> fields, DisclosureContext context, string typeCode)
    {
        for (var i = 0; i < assertions.Count; i++)
        {
            var name = assertions[i].Field.Trim();
            if (name.Length == 0)
            {
                continue;
            }

            var spec = fields.FirstOrDefault(f => f.Name == name);
            if (spec is null)
            {
                return HubError.InvalidArgument($"assertions[{i}].field", $"is not a field of license type {typeCode}");
            }

            if (DisclosurePolicy.Decide(spec, context).Decision != DisclosureDecision.Plain)
            {
                return HubError.PermissionDenied(
                    ReasonCodes.FieldNotDisclosable,
                    $"this caller may not ask about field {name}: a predicate needs a field its clearance shows in plain.");
            }
        }

        return null;
    }
}
