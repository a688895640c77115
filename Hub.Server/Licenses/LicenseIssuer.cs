using System.Text;
using Hub.Core.Access;
using Hub.Core.Callers;
using Hub.Core.Disclosure;
using Hub.Core.Errors;
using Hub.Core.Time;
using Hub.Core.Validation;
using Hub.Licenses.V1;
using Hub.Server.Catalogue;
using Hub.Server.Infrastructure.Postgres;
using Hub.Server.Infrastructure.Secrets;
using Hub.Server.Keys;
using Hub.Signing.Identifiers;
using Hub.Signing.Sm2;
using Npgsql;

namespace Hub.Server.Licenses;

/// <summary>
/// Issues, amends and changes the status of licenses. Each change runs once per request_id, seals with the active
/// SM2 key, and commits with its audit entry; bad input is refused before anything is read or written.
/// </summary>
public sealed class LicenseIssuer(
    IdempotentRequests requests,
    LicenseLookup lookup,
    NewLicenseValidator validator,
    PostgresLicenseStore store,
    LicenseSerials serials,
    PostgresNewLicenseWriter newLicenses,
    SigningKeyRing keys,
    DataProtector protector,
    PostgresAccessLog accessLog,
    TimeProvider time)
{
    public async Task<Outcome<IssueLicenseResponse>> IssueAsync(Caller caller, IssueLicenseRequest request, CancellationToken cancellationToken)
    {
        var today = ChinaCalendar.Today(time);
        var violations = new Violations();
        var requestId = violations.Text("request_id", request.RequestId, InputLimits.RequestIdLength);
        var validated = await validator.ValidateAsync(
            caller.OrgCode,
            new NewLicenseFields(request.TypeCode, request.LicenseNumber, request.Holder, request.ValidFrom, request.ValidUntil, request.Face),
            violations,
            today,
            cancellationToken);
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
                IdempotentRequests.RequestHash(request),
                response,
                requests.StoredResponse(caller.Id, requestId, response),
                licenseId,
                serial,
                holderIndex,
                sealedVersion,
                store.EncryptContent(sealedVersion),
                now),
            cancellationToken);
    }

    internal static HubError LicenseNumberExists() =>
        HubError.AlreadyExists("LICENSE_NUMBER_EXISTS", "this issuer already issued a license of this type with this license_number.");

    public async Task<Outcome<AmendLicenseResponse>> AmendAsync(Caller caller, AmendLicenseRequest request, CancellationToken cancellationToken)
    {
        var today = ChinaCalendar.Today(time);
        var violations = new Violations();
        var requestId = violations.Text("request_id", request.RequestId, InputLimits.RequestIdLength);
        var identifier = ParseIdentifier(request.Identifier, violations);
        var validUntil = ChinaCalendar.Parse(request.ValidUntil, "valid_until", violations, required: false);
        if (validUntil is not null && request.LongTerm)
        {
            violations.Add("long_term", "cannot be set together with valid_until");
        }

        var reason = violations.Text("reason", request.Reason, InputLimits.ReasonLength);
        if (request.Face.Count > NewLicenseValidator.MaxFaceFields)
        {
            violations.Add("face", $"at most {NewLicenseValidator.MaxFaceFields} fields");
        }

        if (violations.ToError() is { } invalid)
        {
            return invalid;
        }

        Guid? changed = null;
        var amended = await requests.RunOnceAsync<AmendLicenseResponse>(caller.Id, requestId, "licenses.AmendLicense", request, async (connection, transaction) =>
        {
            var found = await FindOwnAsync(connection, transaction, caller, identifier!, cancellationToken);
            if (found.Failed)
            {
                return found.Error;
            }

            var current = found.Value;
            if (LicenseStatusRules.IsTerminal(current.StoredStatus))
            {
                return HubError.FailedPrecondition("LICENSE_FINAL", $"the license is {LicenseStatusRules.Name(current.StoredStatus)}; it can no longer be amended.");
            }

            if (current.Version != current.CurrentVersion)
            {
                return HubError.FailedPrecondition("NOT_CURRENT_VERSION", $"version {current.CurrentVersion} superseded this one; amend the current version.");
            }

            var type = (await PostgresLicenseTypeStore.FindAsync(connection, transaction, current.Content.TypeCode, cancellationToken))!;
            var face = NewLicenseValidator.ValidateFaceAndHolder(type, current.Content.Holder, request.Face, violations);
            var newUntil = request.LongTerm ? null : validUntil ?? current.Content.ValidUntil;
            if (newUntil is { } until && until < current.Content.ValidFrom)
            {
                violations.Add("valid_until", "must not be before valid_from");
            }

            if (violations.ToError() is { } faceError)
            {
                return faceError;
            }

            var next = identifier!.WithVersion(current.Version + 1);
            var content = current.Content with
            {
                Identifier = next.ToString(),
                Version = next.Version,
                ValidUntil = newUntil,
                Face = face,
                IssuerOrgName = caller.OrgName,
            };
            var stored = await SealAndStoreAsync(connection, transaction, current.LicenseId, content, current.HolderIndex, current.StoredStatus, current.StatusReason, caller.Id, cancellationToken);
            await accessLog.AppendAsync(connection, transaction, Record(caller, "licenses.AmendLicense", stored) with { Purpose = reason }, cancellationToken);
            changed = current.LicenseId;
            return new AmendLicenseResponse { License = LicenseView.Build(stored, type, DisclosureContext.Issuer(caller.Clearance), today).License };
        }, cancellationToken);
        return await AfterChangeAsync(amended, changed, cancellationToken);
    }

    public async Task<Outcome<ChangeLicenseStatusResponse>> ChangeStatusAsync(Caller caller, ChangeLicenseStatusRequest request, CancellationToken cancellationToken)
    {
        var today = ChinaCalendar.Today(time);
        var violations = new Violations();
        var requestId = violations.Text("request_id", request.RequestId, InputLimits.RequestIdLength);
        var identifier = ParseIdentifier(request.Identifier, violations);
        var status = violations.Enum("status", request.Status);
        if (status == LicenseStatus.Expired)
        {
            violations.Add("status", "EXPIRED is computed from valid_until and cannot be set");
        }

        var reason = violations.Text("reason", request.Reason, InputLimits.ReasonLength);
        if (violations.ToError() is { } invalid)
        {
            return invalid;
        }

        Guid? changed = null;
        var result = await requests.RunOnceAsync<ChangeLicenseStatusResponse>(caller.Id, requestId, "licenses.ChangeLicenseStatus", request, async (connection, transaction) =>
        {
            var found = await FindOwnAsync(connection, transaction, caller, identifier!, cancellationToken, forUpdate: true);
            if (found.Failed)
            {
                return found.Error;
            }

            if (LicenseStatusRules.RefuseTransition(found.Value.StoredStatus, status) is { } refusal)
            {
                return HubError.FailedPrecondition("STATUS_TRANSITION_REFUSED", refusal + ".") with
                {
                    Metadata = new Dictionary<string, string> { ["from"] = LicenseStatusRules.Name(found.Value.StoredStatus), ["to"] = LicenseStatusRules.Name(status) },
                };
            }

            await PostgresLicenseStore.UpdateStatusAsync(connection, transaction, found.Value.LicenseId, status, reason, time.GetUtcNow(), cancellationToken);
            var current = await store.CurrentAsync(connection, transaction, found.Value.LicenseId, cancellationToken);
            var type = (await PostgresLicenseTypeStore.FindAsync(connection, transaction, current.Content.TypeCode, cancellationToken))!;
            await accessLog.AppendAsync(connection, transaction, Record(caller, "licenses.ChangeLicenseStatus", current) with { Purpose = reason, Outcome = LicenseStatusRules.Name(status) }, cancellationToken);
            changed = current.LicenseId;
            return new ChangeLicenseStatusResponse { License = LicenseView.Build(current, type, DisclosureContext.Issuer(caller.Clearance), today).License };
        }, cancellationToken);
        return await AfterChangeAsync(result, changed, cancellationToken);
    }

    /// <summary>Once a change has committed, every replica drops the license's cached state.</summary>
    private async Task<Outcome<T>> AfterChangeAsync<T>(Outcome<T> outcome, Guid? licenseId, CancellationToken cancellationToken)
    {
        if (licenseId is { } id)
        {
            await lookup.ChangedAsync(id, cancellationToken);
        }

        return outcome;
    }

    internal static LicenseIdentifier? ParseIdentifier(string? text, Violations violations, string field = "identifier")
    {
        var value = violations.Text(field, text, 128);
        if (value.Length == 0)
        {
            return null;
        }

        if (!LicenseIdentifier.TryParse(value, out var identifier, out var problem))
        {
            violations.Add(field, $"is not a valid 电子证照标识 (GB/T 36904): {problem}");
            return null;
        }

        return identifier;
    }

    private async Task<Outcome<StoredLicense>> FindOwnAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Caller caller, LicenseIdentifier identifier, CancellationToken cancellationToken, bool forUpdate = true)
    {
        var stored = await store.FindAsync(connection, transaction, identifier.ToString(), forUpdate, cancellationToken);
        if (stored is null)
        {
            return HubError.NotFound("LICENSE_NOT_FOUND", "no license has this identifier.");
        }

        return stored.IssuerOrgCode == caller.OrgCode
            ? stored
            : HubError.PermissionDenied("NOT_ISSUER_OF_LICENSE", "only the issuing organisation may change this license.");
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
        NpgsqlConnection connection, NpgsqlTransaction transaction, Guid licenseId, SealedContent content, byte[] holderIndex,
        LicenseStatus status, string? statusReason, Guid callerId, CancellationToken cancellationToken)
    {
        var sealedVersion = Seal(content, await keys.ActiveKeyAsync(cancellationToken));
        await store.InsertVersionAsync(connection, transaction, licenseId, sealedVersion, callerId, time.GetUtcNow(), cancellationToken);
        return sealedVersion.ToStored(licenseId, holderIndex, status, statusReason);
    }

    private static AccessRecord Record(Caller caller, string action, StoredLicense license) => new()
    {
        CallerId = caller.Id,
        Action = action,
        ObjectType = "license",
        ObjectId = license.Identifier,
        HolderIndex = license.HolderIndex,
        Outcome = "OK",
    };
}
