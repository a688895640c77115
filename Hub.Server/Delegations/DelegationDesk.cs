using System.Security.Cryptography;
using Hub.Adapters.Ports;
using Hub.Common.V1;
using Hub.Core.Access;
using Hub.Core.Callers;
using Hub.Core.Contracts;
using Hub.Core.Errors;
using Hub.Core.Ports;
using Hub.Core.Validation;
using Hub.Delegations.V1;

namespace Hub.Server.Delegations;

/// <summary>
/// 委托授权: the portal, for the holder it authenticated, grants a delegation over licenses it holds (or their types)
/// for matters or purposes, revokes it, and reads it; the delegate reads the ones they hold. A grant and a revocation
/// run once per request_id and commit with their audit entry in the principal's history. Uses are
/// <see cref="DelegationChecks"/>'.
/// </summary>
public sealed class DelegationDesk(
    IIdempotentRunner requests,
    IDelegationStore store,
    DelegationParties parties,
    DelegationChecks checks,
    LegalRepresentatives representatives,
    IHolderLicenseSource licenses,
    ILicenseTypeRules types,
    IMatterCatalogue matters,
    TimeProvider time)
{
    public async Task<Outcome<GrantDelegationResponse>> GrantAsync(Caller caller, GrantDelegationCommand command, CancellationToken cancellationToken)
    {
        if (PortalActingFor.Refusal(caller, command.Principal) is { } notAsserted)
        {
            return notAsserted;
        }

        var principalIndex = parties.Index(command.Principal);
        if (await ScopeRefusalAsync(command, principalIndex, cancellationToken) is { } outside)
        {
            return outside;
        }

        (string TypeCode, string Name)? representative = null;
        if (command.Principal.IdType == HolderIdType.Uscc)
        {
            representative = await representatives.FindAsync(principalIndex, cancellationToken);
            if (representative is null)
            {
                return HubError.FailedPrecondition(ReasonCodes.LegalRepresentativeUnknown,
                    $"no valid license of this organisation names its legal representative ({LegalRepresentatives.Field}); an organisation's delegation is granted by the legal representative its 营业执照 names.");
            }
        }

        return await requests.RunInTransactionAsync<GrantDelegationResponse>(caller.Id, command.RequestId, AuditActions.DelegationsGrantDelegation, command.Request, async transaction =>
        {
            var now = time.GetUtcNow();
            var id = Guid.CreateVersion7(now);
            var delegation = new StoredDelegation(
                id, principalIndex, parties.Index(command.Delegate),
                parties.Seal(id, DelegationParties.PrincipalRole, command.Principal), parties.Seal(id, DelegationParties.DelegateRole, command.Delegate),
                DelegationParties.Label(command.Delegate), command.LicenseIdentifiers, command.TypeCodes, command.MatterCodes, command.Purposes,
                now, now.AddDays(command.ValidDays), command.SingleUse, 0, DelegationStatus.Active,
                LegalRepTypeCode: representative?.TypeCode,
                LegalRepSealed: representative is { } r ? parties.SealLegalRepresentative(id, r.Name) : null);
            await store.InsertAsync(transaction, delegation, caller.Id, cancellationToken);
            await transaction.AuditAsync(Audit(caller, AuditActions.DelegationsGrantDelegation, delegation, AuditOutcomes.Ok), cancellationToken);
            return new GrantDelegationResponse { Delegation = Show(delegation, now) };
        }, cancellationToken);
    }

    public async Task<Outcome<RevokeDelegationResponse>> RevokeAsync(Caller caller, RevokeDelegationCommand command, CancellationToken cancellationToken)
    {
        var asserted = PortalActingFor.Asserted(caller);
        if (asserted.Failed)
        {
            return asserted.Error;
        }

        var holderIndex = parties.Index(asserted.Value);
        return await requests.RunInTransactionAsync<RevokeDelegationResponse>(caller.Id, command.RequestId, AuditActions.DelegationsRevokeDelegation, command.Request, async transaction =>
        {
            var delegation = await store.LockAsync(transaction, command.DelegationId, cancellationToken);
            if (delegation is null || !CryptographicOperations.FixedTimeEquals(delegation.PrincipalIndex, holderIndex))
            {
                return DelegationRules.NotFound();
            }

            var now = time.GetUtcNow();
            var status = delegation.StatusAt(now);
            if (status != DelegationStatus.Active)
            {
                return HubError.FailedPrecondition(ReasonCodes.DelegationClosed, $"the delegation is {StoredDelegation.Name(status)}; only an active one is revoked.");
            }

            await store.RevokeAsync(transaction, delegation.DelegationId, now, cancellationToken);
            var revoked = delegation with { StoredStatus = DelegationStatus.Revoked, RevokedAt = now };
            await transaction.AuditAsync(Audit(caller, AuditActions.DelegationsRevokeDelegation, revoked, "REVOKED"), cancellationToken);
            return new RevokeDelegationResponse { Delegation = Show(revoked, now) };
        }, cancellationToken);
    }

    /// <summary>The principal and the delegate see their delegation; an auditor any. Anyone else: not found.</summary>
    public async Task<Outcome<GetDelegationResponse>> GetAsync(Caller caller, Guid delegationId, CancellationToken cancellationToken)
    {
        var delegation = await store.GetAsync(delegationId, cancellationToken);
        if (delegation is null || !MaySee(caller, delegation))
        {
            return DelegationRules.NotFound();
        }

        if (await checks.EndedAsync(delegation, cancellationToken))
        {
            delegation = delegation with { StoredStatus = DelegationStatus.Ended };
        }

        return new GetDelegationResponse { Delegation = Show(delegation, time.GetUtcNow()) };
    }

    public async Task<Outcome<ListDelegationsResponse>> ListAsync(Caller caller, ListDelegationsCommand command, CancellationToken cancellationToken)
    {
        var asserted = PortalActingFor.Asserted(caller);
        if (asserted.Failed)
        {
            return asserted.Error;
        }

        var (found, next) = await store.ListAsync(parties.Index(asserted.Value), command.AsPrincipal, command.Page, cancellationToken);
        var now = time.GetUtcNow();
        return new ListDelegationsResponse
        {
            Delegations = { found.Select(d => Show(d, now)) },
            NextPageToken = next is null ? string.Empty : PageRequest.EncodeToken(next),
        };
    }

    /// <summary>Each named license must be the principal's; each type and matter must exist.</summary>
    private async Task<HubError?> ScopeRefusalAsync(GrantDelegationCommand command, byte[] principalIndex, CancellationToken cancellationToken)
    {
        foreach (var identifier in command.LicenseIdentifiers)
        {
            var license = await licenses.FindByIdentifierAsync(identifier, cancellationToken);
            if (license is null)
            {
                return HubError.NotFound(ReasonCodes.LicenseNotFound, $"no license has identifier {identifier}.");
            }

            if (!CryptographicOperations.FixedTimeEquals(license.HolderIndex, principalIndex))
            {
                return HubError.PermissionDenied(ReasonCodes.NotHolder, $"license {identifier} does not belong to the principal.");
            }
        }

        foreach (var typeCode in command.TypeCodes)
        {
            if (await types.FindAsync(typeCode, cancellationToken) is null)
            {
                return HubError.NotFound(ReasonCodes.LicenseTypeNotFound, $"no license type has code {typeCode}.");
            }
        }

        foreach (var matterCode in command.MatterCodes)
        {
            if (await matters.FindAsync(matterCode, cancellationToken) is null)
            {
                return HubError.NotFound(ReasonCodes.MatterNotFound, $"no matter has code {matterCode}; list matters with ListMatters.");
            }
        }

        return null;
    }

    private bool MaySee(Caller caller, StoredDelegation delegation)
    {
        if (caller.Has(Role.Auditor))
        {
            return true;
        }

        if (caller.AssertedHolder is not { } holder)
        {
            return false;
        }

        var index = parties.Index(holder);
        return CryptographicOperations.FixedTimeEquals(index, delegation.PrincipalIndex) || CryptographicOperations.FixedTimeEquals(index, delegation.DelegateIndex);
    }

    private Delegation Show(StoredDelegation delegation, DateTimeOffset now) => delegation.ToMessage(
        now,
        parties.Open(delegation.DelegationId, DelegationParties.PrincipalRole, delegation.PrincipalSealed),
        parties.Open(delegation.DelegationId, DelegationParties.DelegateRole, delegation.DelegateSealed));

    private static AccessRecord Audit(Caller caller, string action, StoredDelegation delegation, string outcome) => new()
    {
        CallerId = caller.Id,
        Action = action,
        ObjectType = AuditObjects.Delegation,
        ObjectId = delegation.DelegationId.ToString(),
        HolderIndex = delegation.PrincipalIndex,
        Fields = [.. delegation.TypeCodes, .. delegation.MatterCodes],
        DelegationId = delegation.DelegationId,
        Outcome = outcome,
    };
}
