using Hub.Adapters.Delegations;
using Hub.Core.Errors;

namespace Hub.Adapters.Ports;

/// <summary>
/// 委托授权 as the checks and presentations see it: may this delegate act for this principal now, for this matter or
/// purpose (and this license, when one is named)? The answer is the delegation's scope, or the refusal.
/// </summary>
public interface IDelegationChecks
{
    /// <summary>
    /// Checks the use and records it. A single-use delegation is taken by exactly one use, whichever replica serves
    /// it; a refused use changes nothing.
    /// </summary>
    Task<Outcome<DelegatedScope>> UseAsync(DelegatedUse use, CancellationToken cancellationToken);

    /// <summary>Null while the delegation stands; else why it no longer does (revoked, ended): a presentation made under it is refused.</summary>
    Task<HubError?> WithdrawnAsync(Guid delegationId, CancellationToken cancellationToken);
}
