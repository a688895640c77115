using System.Text;
using Hub.Core.Callers;
using Hub.Core.Contracts;
using Hub.Core.Disclosure;
using Hub.Core.Errors;
using Hub.Core.Events;
using Hub.Core.Ports;
using Hub.Core.Time;
using Hub.Core.Validation;
using Hub.Licenses.V1;
using Hub.Server.Catalogue;
using Hub.Server.Infrastructure.Secrets;
using Hub.Server.Keys;
using Hub.Signing.Identifiers;
using Hub.Signing.Sm2;
using Microsoft.Extensions.Options;

namespace Hub.Server.Licenses;

/// <summary>
/// Issues, amends and changes the status of licenses. Each change runs once per request_id, seals with the active
/// SM2 key, and commits with its audit entry; bad input is refused before anything is read or written.
/// </summary>
public sealed class LicenseIssuer(
    IIdempotentRunner requests,
    ILicenseDirectory directory,
    NewLicenseValidator validator,
    ILicenseStore store,
    ILicenseTypeStore types,
    LicenseSerials serials,
    INewLicenseWriter newLicenses,
    ISigningKeyRing keys,
    DataProtector protector,
    IOptions<LicenseOptions> options,
    TimeProvider time)
{
    public async Task<Outcome<IssueLicenseResponse>> IssueAsync(Caller caller, IssueLicenseCommand command, CancellationToken cancellationToken)
    {
        var today = ChinaCalendar.Today(time);
        var (requestId, fields, request) = command;
        var validated = await validator.ValidateAsync(caller.OrgCode, fields, new Violations(), today, cancellationToken);
        if (validated.Failed)
        {
            return validated.Error;
        }

        var (type, number, holder, validFrom, validUntil, face) = validated.Value;
        var typeCode = type.TypeCode;

        // Taken before the transaction and outside it (a serial is never waited for under a lock); a retry or a
        // refused number skips one, which identifiers allow.
        var serial = await serials.NextAsync(typeCode, caller.OrgCode, today.Year, cancellationToken);
        var now = time.GetUtcNow();
        var identifier = new LicenseIdentifier(typeCode, caller.OrgCode, serial, 1);
        var content = new SealedContent(
            identifier.ToString(), typeCode, type.Name, number, 1, holder, caller.OrgCode, caller.OrgName, SealTime(now), validFrom, validUntil, face);
        var licenseId = Guid.CreateVersion7(now);
        var holderIndex = protector.BlindIndex(holder.IdType, holder.IdNumber);
        var sealedVersion = Seal(content, await keys.ActiveKeyAsync(cancellationToken));
        var stored = sealedVersion.ToStored(licenseId, holderIndex, LicenseStatus.Valid, null);
        var response = new IssueLicenseResponse { License = LicenseView.Build(stored, type, DisclosureContext.Issuer(caller.Clearance), today).License };

        // Everything is known before the database is touched, so the license is written with those of concurrent
        // calls in one batch (PostgresNewLicenseWriter): its claim, stored response and audit entry go with it.
        return await newLicenses.WriteAsync(
            new NewLicenseWrite(
                caller.Id,
                requestId,
                request,
                response,
                licenseId,
                serial,
                holderIndex,
                sealedVersion,
                store.EncryptContent(sealedVersion),
                now,
                LicenseEvents.New(EventTypes.LicenseIssued, content, type)),
            cancellationToken);
    }

    internal static HubError LicenseNumberExists() =>
        HubError.AlreadyExists(ReasonCodes.LicenseNumberExists, "this issuer already issued a license of this type with this license_number.");

    public async Task<Outcome<AmendLicenseResponse>> AmendAsync(Caller caller, AmendLicenseCommand command, CancellationToken cancellationToken)
    {
        var today = ChinaCalendar.Today(time);
        var (requestId, identifier, validUntil, longTerm, reason, requestedFace, request) = command;
        Guid? changed = null;
        var amended = await requests.RunInTransactionAsync<AmendLicenseResponse>(caller.Id, requestId, AuditActions.LicensesAmendLicense, request, async transaction =>
        {
            var found = await FindOwnAsync(transaction, caller, identifier, cancellationToken);
            if (found.Failed)
            {
                return found.Error;
            }

            var current = found.Value;
            if (LicenseStatusRules.IsTerminal(current.StoredStatus))
            {
                return HubError.FailedPrecondition(ReasonCodes.LicenseFinal, $"the license is {LicenseStatusRules.Name(current.StoredStatus)}; it can no longer be amended.");
            }

            if (current.Version != current.CurrentVersion)
            {
                return HubError.FailedPrecondition(ReasonCodes.NotCurrentVersion, $"version {current.CurrentVersion} superseded this one; amend the current version.");
            }

            var type = (await types.FindAsync(current.Content.TypeCode, cancellationToken))!;
            var violations = new Violations();
            var face = NewLicenseValidator.ValidateFaceAndHolder(type, current.Content.Holder, requestedFace, violations);
            var newUntil = longTerm ? null : validUntil ?? current.Content.ValidUntil;
            if (newUntil is { } until && until < current.Content.ValidFrom)
            {
                violations.Add("valid_until", "must not be before valid_from");
            }

            if (violations.ToError() is { } faceError)
            {
                return faceError;
            }

            var next = identifier.WithVersion(current.Version + 1);
            var content = current.Content with
            {
                Identifier = next.ToString(),
                Version = next.Version,
                ValidUntil = newUntil,
                Face = face,
                IssuerOrgName = caller.OrgName,
            };
            var stored = await SealAndStoreAsync(transaction, current.LicenseId, content, current.HolderIndex, current.StoredStatus, current.StatusReason, caller.Id, cancellationToken);
            await transaction.AuditAsync(
                stored.AccessRecord(caller.Id, AuditActions.LicensesAmendLicense, reason),
                await EventsAsync(transaction, EventTypes.LicenseAmended, stored, type, cancellationToken),
                cancellationToken);
            changed = current.LicenseId;
            return new AmendLicenseResponse { License = LicenseView.Build(stored, type, DisclosureContext.Issuer(caller.Clearance), today).License };
        }, cancellationToken);
        return await AfterChangeAsync(amended, changed, cancellationToken);
    }

    public async Task<Outcome<ChangeLicenseStatusResponse>> ChangeStatusAsync(Caller caller, ChangeLicenseStatusCommand command, CancellationToken cancellationToken)
    {
        var today = ChinaCalendar.Today(time);
        var (requestId, identifier, status, reason, request) = command;
        Guid? changed = null;
        var result = await requests.RunInTransactionAsync<ChangeLicenseStatusResponse>(caller.Id, requestId, AuditActions.LicensesChangeLicenseStatus, request, async transaction =>
        {
            var found = await FindOwnAsync(transaction, caller, identifier, cancellationToken);
            if (found.Failed)
            {
                return found.Error;
            }

            if (LicenseStatusRules.RefuseTransition(found.Value.StoredStatus, status) is { } refusal)
            {
                return HubError.FailedPrecondition(ReasonCodes.StatusTransitionRefused, refusal + ".") with
                {
                    Metadata = new Dictionary<string, string> { ["from"] = LicenseStatusRules.Name(found.Value.StoredStatus), ["to"] = LicenseStatusRules.Name(status) },
                };
            }

            await store.UpdateStatusAsync(transaction, found.Value.LicenseId, status, reason, time.GetUtcNow(), cancellationToken);
            var current = await store.CurrentAsync(transaction, found.Value.LicenseId, cancellationToken);
            var type = (await types.FindAsync(current.Content.TypeCode, cancellationToken))!;
            await transaction.AuditAsync(
                current.AccessRecord(caller.Id, AuditActions.LicensesChangeLicenseStatus, reason) with { Outcome = LicenseStatusRules.Name(status) },
                await EventsAsync(transaction, LicenseEvents.ForStatus(status), current, type, cancellationToken),
                cancellationToken);
            changed = current.LicenseId;
            return new ChangeLicenseStatusResponse { License = LicenseView.Build(current, type, DisclosureContext.Issuer(caller.Clearance), today).License };
        }, cancellationToken);
        return await AfterChangeAsync(result, changed, cancellationToken);
    }

    /// <summary>
    /// The change's event, and for a change that undoes what others relied on, one to each caller that verified the
    /// license or had it waive a material within the reliance window — read in the change's own transaction.
    /// </summary>
    private async Task<IReadOnlyList<ChangeEvent>> EventsAsync(
        IWriteTransaction transaction, string eventType, StoredLicense license, LicenseTypeDefinition type, CancellationToken cancellationToken)
    {
        var events = new List<ChangeEvent> { LicenseEvents.Changed(eventType, license, type) };
        if (LicenseEvents.TellsRelyingParties(eventType))
        {
            var since = time.GetUtcNow().AddDays(-options.Value.RelianceWindowDays);
            var reliances = await store.ReliancesAsync(transaction, license, since, options.Value.MaxReliancesPerChange, cancellationToken);
            events.AddRange(reliances.Select(r => LicenseEvents.Relied(eventType, license, r)));
        }

        return events;
    }

    /// <summary>Once a change has committed, every replica drops the license's cached state.</summary>
    private async Task<Outcome<T>> AfterChangeAsync<T>(Outcome<T> outcome, Guid? licenseId, CancellationToken cancellationToken)
    {
        if (licenseId is { } id)
        {
            await directory.ChangedAsync(id, cancellationToken);
        }

        return outcome;
    }

    private async Task<Outcome<StoredLicense>> FindOwnAsync(IWriteTransaction transaction, Caller caller, LicenseIdentifier identifier, CancellationToken cancellationToken)
    {
        var stored = await store.FindForUpdateAsync(transaction, identifier.ToString(), cancellationToken);
        if (stored is null)
        {
            return HubError.NotFound(ReasonCodes.LicenseNotFound, "no license has this identifier.");
        }

        return stored.IssuerOrgCode == caller.OrgCode
            ? stored
            : HubError.PermissionDenied(ReasonCodes.NotIssuerOfLicense, "only the issuing organisation may change this license.");
    }

    /// <summary>Seals record whole seconds: the canonical JSON's issued_at has no fraction.</summary>
    internal static DateTimeOffset SealTime(DateTimeOffset now) => new(now.UtcTicks - (now.UtcTicks % TimeSpan.TicksPerSecond), TimeSpan.Zero);

    /// <summary>Seals a version's content with the active SM2 key (in memory: no database work).</summary>
    internal static SealedVersion Seal(SealedContent content, Sm2KeyPair key)
    {
        var canonical = content.ToCanonicalJson();
        var bytes = Encoding.UTF8.GetBytes(canonical);
        return new SealedVersion(content, canonical, Sm3.Hash(bytes), key.Sign(bytes), key.KeyId);
    }

    private async Task<StoredLicense> SealAndStoreAsync(
        IWriteTransaction transaction, Guid licenseId, SealedContent content, byte[] holderIndex,
        LicenseStatus status, string? statusReason, Guid callerId, CancellationToken cancellationToken)
    {
        var sealedVersion = Seal(content, await keys.ActiveKeyAsync(cancellationToken));
        await store.InsertVersionAsync(transaction, licenseId, sealedVersion, callerId, time.GetUtcNow(), cancellationToken);
        return sealedVersion.ToStored(licenseId, holderIndex, status, statusReason);
    }
}
