using Google.Protobuf;
using Hub.Common.V1;
using Hub.Core.Access;
using Hub.Core.Callers;
using Hub.Core.Contracts;
using Hub.Core.Disclosure;
using Hub.Core.Errors;
using Hub.Core.Time;
using Hub.Core.Validation;
using Hub.Licenses.V1;
using Hub.Server.Catalogue;
using Hub.Server.Infrastructure.Secrets;
using Hub.Server.Keys;
using Hub.Signing.Documents;

namespace Hub.Server.Licenses;

/// <summary>
/// Reads licenses for the caller in front of it: the issuing organisation sees everything, a verifier what the
/// disclosure policy allows, the portal its holder's own. Every read is logged before the answer leaves.
/// </summary>
public sealed class LicenseReader(
    ILicenseStore store,
    ILicenseDirectory directory,
    ILicenseTypeStore types,
    ISigningKeyRing keys,
    DataProtector protector,
    IAccessLog accessLog,
    TimeProvider time)
{
    public async Task<Outcome<GetLicenseResponse>> GetAsync(Caller caller, GetLicenseCommand command, CancellationToken cancellationToken)
    {
        var (identifier, purpose) = command;
        var stored = await directory.FindAsync(identifier.ToString(), cancellationToken);
        if (stored is null)
        {
            return HubError.NotFound(ReasonCodes.LicenseNotFound, "no license has this identifier.");
        }

        var type = (await types.FindAsync(stored.Content.TypeCode, cancellationToken))!;
        DisclosureContext context;
        if (caller.Has(Role.Issuer) && caller.OrgCode == stored.IssuerOrgCode)
        {
            context = DisclosureContext.Issuer(caller.Clearance);
        }
        else if (caller.Has(Role.Verifier))
        {
            if (purpose.Length == 0)
            {
                return HubError.InvalidArgument("purpose", "is required (用证事由) when a verifier reads a license");
            }

            context = DisclosureContext.License(caller.Clearance, type.SharingType);
        }
        else
        {
            return HubError.PermissionDenied(ReasonCodes.NotIssuerOfLicense, "only the issuing organisation or a VERIFIER may read this license.");
        }

        var (license, disclosed) = LicenseView.Build(stored, type, context, ChinaCalendar.Today(time));
        var entry = await accessLog.AppendAsync(stored.AccessRecord(caller.Id, AuditActions.LicensesGetLicense, purpose, disclosed.DisclosedFields), cancellationToken);
        return new GetLicenseResponse { License = license, Receipt = entry.ToReceipt() };
    }

    public async Task<Outcome<ListHolderLicensesResponse>> ListHolderAsync(Caller caller, ListHolderLicensesCommand command, CancellationToken cancellationToken)
    {
        var today = ChinaCalendar.Today(time);
        var (holder, purpose, page) = command;

        // The portal acts for the holder it authenticated (its signed assertion says whom): it sees that holder's licenses in full.
        var verifier = caller.Has(Role.Verifier);
        if (!verifier && PortalActingFor.Refusal(caller, holder) is { } notAsserted)
        {
            return notAsserted;
        }
        var holderIndex = protector.BlindIndex(holder.IdType, holder.IdNumber);
        var (licenses, next) = await store.ListByHolderAsync(holderIndex, page.Size, page.Cursor, cancellationToken);

        var response = new ListHolderLicensesResponse { NextPageToken = next is null ? string.Empty : PageRequest.EncodeToken(next) };
        var fields = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var stored in licenses)
        {
            var type = (await types.FindAsync(stored.Content.TypeCode, cancellationToken))!;
            var context = verifier ? DisclosureContext.License(caller.Clearance, type.SharingType) : DisclosureContext.HolderPortal(caller.Clearance);
            var (license, disclosed) = LicenseView.Build(stored, type, context, today);
            response.Licenses.Add(license);
            fields.UnionWith(disclosed.DisclosedFields);
        }

        var entry = await accessLog.AppendAsync(new AccessRecord
        {
            CallerId = caller.Id,
            Action = AuditActions.LicensesListHolderLicenses,
            ObjectType = AuditObjects.Holder,
            HolderIndex = holderIndex,
            Purpose = purpose,
            Fields = [.. fields],
            Outcome = $"OK:{licenses.Count}",
        }, cancellationToken);
        response.Receipt = entry.ToReceipt();
        return response;
    }

    public async Task<Outcome<ExportLicenseDocumentResponse>> ExportAsync(Caller caller, ExportLicenseCommand command, CancellationToken cancellationToken)
    {
        // The portal exports for the holder it acts for (named in the request); an issuer exports its own licenses.
        var (identifier, purpose, holder) = command;
        if (holder is not null && PortalActingFor.Refusal(caller, holder) is { } notAsserted)
        {
            return notAsserted;
        }

        var stored = await directory.FindAsync(identifier.ToString(), cancellationToken);
        if (stored is null)
        {
            return HubError.NotFound(ReasonCodes.LicenseNotFound, "no license has this identifier.");
        }

        var allowed = holder is not null
            ? protector.BlindIndex(holder.IdType, holder.IdNumber).AsSpan().SequenceEqual(stored.HolderIndex)
            : caller.Has(Role.Issuer) && caller.OrgCode == stored.IssuerOrgCode;
        if (!allowed)
        {
            return HubError.PermissionDenied(
                holder is null ? ReasonCodes.NotIssuerOfLicense : ReasonCodes.NotHolder,
                holder is null ? "only the issuing organisation may export this license." : "the license does not belong to the holder named.");
        }

        var key = await keys.FindAsync(stored.SealKeyId, cancellationToken);
        var document = new LicenseDocument(stored.Identifier, stored.CanonicalJson, stored.SealKeyId, ISigningKeyRing.Algorithm, stored.Seal, key!.PublicKey.SubjectPublicKeyInfo)
            .ToSignedXml(keys.DocumentCertificate);
        var entry = await accessLog.AppendAsync(
            stored.AccessRecord(caller.Id, AuditActions.LicensesExportLicenseDocument, purpose, ["document"]),
            cancellationToken);
        return new ExportLicenseDocumentResponse { Document = ByteString.CopyFrom(document), MediaType = LicenseDocument.MediaType, Receipt = entry.ToReceipt() };
    }
}
