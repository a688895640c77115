using Google.Protobuf.Collections;
using Hub.Common.V1;
using Hub.Core.Contracts;
using Hub.Core.Disclosure;
using Hub.Core.Errors;
using Hub.Exemption.V1;

namespace Hub.Adapters.Exemption;

/// <summary>
/// Which yes/no questions a caller may ask about a license type's fields. A yes/no is still a disclosure: EXISTS needs
/// a field the caller could see at least masked, EQUALS one it could see in plain — otherwise a masked value could be
/// found by guessing. Judged on the type, so the answer is the same whether or not the holder holds such a license.
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

            var decision = DisclosurePolicy.Decide(spec, context).Decision;
            var needed = assertions[i].Op == AssertionOp.Equals ? DisclosureDecision.Plain : DisclosureDecision.Masked;
            if (decision == DisclosureDecision.Withheld || (needed == DisclosureDecision.Plain && decision != DisclosureDecision.Plain))
            {
                return HubError.PermissionDenied(
                    ReasonCodes.FieldNotDisclosable,
                    assertions[i].Op == AssertionOp.Equals
                        ? $"this caller may not compare field {name}: EQUALS needs a field it could see in plain."
                        : $"this caller may not learn about field {name}, not even yes or no.");
            }
        }

        return null;
    }
}
