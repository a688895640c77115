using Hub.Adapters.Delegations;
using Hub.Adapters.Ports;
using Hub.Core.Errors;
using Hub.Delegations.V1;

namespace Hub.Server.Delegations;

/// <summary>
/// <see cref="IDelegationChecks"/>: the rules (<see cref="DelegationRules"/>), then, for an organisation, whether its
/// legal representative is still the one who granted (else the delegation ENDS), then the use counted atomically.
/// </summary>
public sealed class DelegationChecks(IDelegationStore store, DelegationParties parties, LegalRepresentatives representatives, TimeProvider time) : IDelegationChecks
{
    public async Task<Outcome<DelegatedScope>> UseAsync(DelegatedUse use, CancellationToken cancellationToken)
    {
        var delegation = await store.GetAsync(use.DelegationId, cancellationToken);
        if (delegation is null)
        {
            return DelegationRules.NotFound();
        }

        if (DelegationRules.Refusal(delegation, use, time.GetUtcNow()) is { } refused)
        {
            return refused;
        }

        if (await EndedAsync(delegation, cancellationToken))
        {
            return DelegationRules.Ended();
        }

        if (!await store.TryUseAsync(delegation.DelegationId, time.GetUtcNow(), cancellationToken))
        {
            // Lost a race (another replica took the single use, or a revocation landed): say what it is now.
            var now = await store.GetAsync(delegation.DelegationId, cancellationToken);
            return (now is null ? null : DelegationRules.Refusal(now, use, time.GetUtcNow())) ?? DelegationRules.Used();
        }

        return new DelegatedScope(delegation.DelegationId, delegation.LicenseIdentifiers, delegation.TypeCodes);
    }

    public async Task<HubError?> WithdrawnAsync(Guid delegationId, CancellationToken cancellationToken)
    {
        var delegation = await store.GetAsync(delegationId, cancellationToken);
        return delegation?.StoredStatus switch
        {
            null => DelegationRules.NotFound(),
            DelegationStatus.Revoked => DelegationRules.Revoked(),
            DelegationStatus.Ended => DelegationRules.Ended(),
            _ => await EndedAsync(delegation, cancellationToken) ? DelegationRules.Ended() : null,
        };
    }

    /// <summary>
    /// True when the organisation's current license names another legal representative (or none is valid) than the
    /// one who granted; the delegation is then marked ENDED for good.
    /// </summary>
    public async Task<bool> EndedAsync(StoredDelegation delegation, CancellationToken cancellationToken)
    {
        if (delegation.LegalRepTypeCode is not { } typeCode || delegation.LegalRepSealed is not { } sealedName || delegation.StoredStatus != DelegationStatus.Active)
        {
            return delegation.StoredStatus == DelegationStatus.Ended;
        }

        var current = await representatives.FindAsync(delegation.PrincipalIndex, [typeCode], cancellationToken);
        if (current is { } found && parties.IsLegalRepresentative(delegation.DelegationId, sealedName, found.Name))
        {
            return false;
        }

        await store.EndAsync(delegation.DelegationId, cancellationToken);
        return true;
    }
}
