using Hub.Common.V1;
using Hub.Core.Holders;
using Hub.Core.Validation;

namespace Hub.Adapters.Delegations;

/// <summary>A validated <c>on_behalf_of</c>: the delegation, and the delegate when the request names one.</summary>
public sealed record OnBehalfOfInput(Guid DelegationId, HolderInput? Delegate)
{
    /// <summary>
    /// Null when the request acts for no one. CheckMatter names the delegate at the counter
    /// (<paramref name="delegateNamed"/>); a presentation leaves it to the portal's holder assertion.
    /// </summary>
    public static OnBehalfOfInput? Parse(OnBehalfOf? message, HolderInputParser holders, Violations violations, DateOnly today, bool delegateNamed)
    {
        if (message is null)
        {
            return null;
        }

        var id = violations.Uuid("on_behalf_of.delegation_id", message.DelegationId, "a delegation id (a UUID returned by GrantDelegation)");
        HolderInput? acting = null;
        if (delegateNamed)
        {
            acting = message.Delegate is null
                ? Missing(violations)
                : holders.Parse(message.Delegate, "on_behalf_of.delegate", violations, today, nameRequired: false);
        }
        else if (message.Delegate is not null)
        {
            violations.Add("on_behalf_of.delegate", "leave it empty: the portal's holder assertion names the delegate");
        }

        return new OnBehalfOfInput(id, acting);
    }

    private static HolderInput? Missing(Violations violations)
    {
        violations.Add("on_behalf_of.delegate", "name the delegate (代办人) acting for the applicant");
        return null;
    }
}
