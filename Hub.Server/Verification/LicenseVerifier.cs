using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using System.Xml;
using Hub.Core.Access;
using Hub.Core.Callers;
using Hub.Core.Contracts;
using Hub.Core.Disclosure;
using Hub.Core.Errors;
using Hub.Core.Holders;
using Hub.Core.Ports;
using Hub.Core.Time;
using Hub.Core.Validation;
using Hub.Licenses.V1;
using Hub.Server.Catalogue;
using Hub.Server.Keys;
using Hub.Server.Licenses;
using Hub.Signing.Documents;
using Hub.Signing.Identifiers;
using Hub.Signing.Sm2;
using Hub.Verification.V1;

namespace Hub.Server.Verification;

/// <summary>
/// Verifies a license by identifier or by its exported document, check by check. A version's seal is verified once
/// and the verdict cached by content hash (content never changes under an identifier); key state and license status
/// are always read live.
/// </summary>
public sealed class LicenseVerifier(
    ILicenseDirectory licenses,
    ILicenseTypeStore types,
    ISigningKeyRing keys,
    IHubCache cache,
    IAccessLog accessLog,
    IAccessWatch watch,
    TimeProvider time)
{
    /// <summary>The rule that withholds a person's identity from a verifier that named neither the case nor the holder.</summary>
    public const string IdentityNotNamedRule = "case-or-holder-not-named";

    /// <summary>The rule that withholds it when the named holder is not the license's.</summary>
    public const string HolderMismatchRule = "holder-mismatch";

    private static readonly TimeSpan SealVerdictLifetime = TimeSpan.FromHours(12);

    // A stored version's seal, once verified, is remembered on the content object this replica read from the store:
    // the verdict lives exactly as long as the cached content (a re-read from PostgreSQL is verified afresh, so a row
    // altered under the hub is still caught), and a repeated verification of a hot license costs no hashing, no
    // encoding and no trip to the shared cache (Redis, where configured).
    private readonly ConditionalWeakTable<SealedContent, VerifiedSeal> _verifiedStoredSeals = new();

    /// <summary>How many verifications took their seal verdict from the content this replica already held.</summary>
    public long RememberedSealVerdicts => Interlocked.Read(ref _rememberedSealVerdicts);

    private long _rememberedSealVerdicts;

    public async Task<Outcome<VerifyLicenseResponse>> VerifyAsync(Caller caller, VerifyLicenseCommand command, CancellationToken cancellationToken)
    {
        var purpose = command.Purpose;
        var identifier = command.Identifier;
        LicenseDocument? document = null;
        var checks = new List<Check>();
        if (command.Document is { } bytes)
        {
            var violations = new Violations();
            document = ParseDocument(bytes, violations, out var signatureValid, await keys.DocumentCertificatesAsync(cancellationToken));
            if (violations.ToError() is { } invalid)
            {
                return invalid;
            }

            checks.Add(new Check { Name = VerificationChecks.DocumentSignature, Passed = signatureValid, Detail = signatureValid ? "XML signature by the hub's document certificate" : "the XML signature does not verify" });
            var identifierValid = LicenseIdentifier.TryParse(document!.Identifier, out var parsed, out var problem);
            checks.Add(new Check { Name = VerificationChecks.Identifier, Passed = identifierValid, Detail = identifierValid ? "check character matches" : problem });
            identifier = identifierValid ? parsed : null;
        }

        if (identifier is null)
        {
            // A document whose identifier is malformed: nothing to look up, the answer is a refusal with its checks.
            return new VerifyLicenseResponse { Valid = false, Reason = RefusalReasons.IdentifierInvalid, Checks = { checks } };
        }

        var stored = await licenses.FindAsync(identifier.ToString(), cancellationToken);
        if (stored is null)
        {
            return HubError.NotFound(ReasonCodes.LicenseNotFound, "no license has this identifier.");
        }

        // A document must carry exactly what the hub sealed under this identifier.
        var canonical = document?.CanonicalJson ?? stored.CanonicalJson;
        var seal = document?.Seal ?? stored.Seal;
        var keyId = document?.SealKeyId ?? stored.SealKeyId;
        var key = await keys.FindAsync(keyId, cancellationToken);
        checks.Add(document is null ? await StoredSealCheckAsync(stored, key, cancellationToken) : await SealCheckAsync(canonical, seal, key, document, cancellationToken));
        checks.Add(key switch
        {
            null => new Check { Name = VerificationChecks.Key, Passed = false, Detail = $"key {keyId} is unknown to this hub" },
            { Status: SigningKeyStatus.Revoked } => new Check { Name = VerificationChecks.Key, Passed = false, Detail = $"key {keyId} was revoked: {key.RevocationReason}" },
            _ => new Check { Name = VerificationChecks.Key, Passed = true, Detail = $"key {keyId} is {key.Status.ToString().ToUpperInvariant()}" },
        });

        var today = ChinaCalendar.Today(time);
        var status = stored.EffectiveStatus(today);
        var content = stored.Content;
        var type = (await types.FindAsync(content.TypeCode, cancellationToken))!;
        var audit = stored.AccessRecord(caller.Id, AuditActions.VerificationVerifyLicense, purpose) with { CaseNumber = command.CaseNumber.Length > 0 ? command.CaseNumber : null };
        if (await watch.AdmitHolderAsync(accessLog, audit, cancellationToken) is { } tooManyHolders)
        {
            return tooManyHolders;
        }

        var context = DisclosureContext.License(caller.Clearance, type.SharingType);
        Check? holderCheck = null;
        if (command.Holder is { } named)
        {
            var theirs = named.IdType == content.Holder.IdType && named.IdNumber == content.Holder.IdNumber;
            holderCheck = new Check { Name = VerificationChecks.Holder, Passed = theirs, Detail = theirs ? "the license is the named holder's" : "the license is not the named holder's" };
            context = theirs ? context : context.WithoutIdentity(HolderMismatchRule);
        }
        else if (command.CaseNumber.Length == 0 && !HolderIdTypes.IsOrganization(content.Holder.IdType))
        {
            context = context.WithoutIdentity(IdentityNotNamedRule);
        }

        var (license, disclosed) = licenses.View(stored, type, context, today);
        checks.Add(new Check
        {
            Name = VerificationChecks.Status,
            Passed = stored.StoredStatus == LicenseStatus.Valid,
            Detail = stored.StatusName + (license.StatusReason.Length == 0 ? string.Empty : $": {license.StatusReason}"),
        });
        var notYet = today < content.ValidFrom;
        var expired = content.ValidUntil is { } until && today > until;
        checks.Add(new Check
        {
            Name = VerificationChecks.Validity,
            Passed = !notYet && !expired,
            Detail = $"{content.ValidFrom:yyyy-MM-dd} to {(content.ValidUntil is { } u ? u.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) : "长期")}, checked on {today:yyyy-MM-dd}",
        });
        checks.Add(new Check
        {
            Name = VerificationChecks.CurrentVersion,
            Passed = stored.Version == stored.CurrentVersion,
            Detail = stored.Version == stored.CurrentVersion ? $"version {stored.Version} is current" : $"superseded by version {stored.CurrentVersion}",
        });
        if (holderCheck is not null)
        {
            checks.Add(holderCheck);
        }

        var reason = FirstFailure(checks, stored, notYet);
        var entry = await accessLog.AppendAsync(
            audit with { Fields = disclosed.DisclosedFields, Outcome = reason.Length == 0 ? AuditOutcomes.Valid : reason },
            cancellationToken);
        return new VerifyLicenseResponse
        {
            Valid = reason.Length == 0,
            Reason = reason,
            Status = status,
            Checks = { checks },
            License = license,
            Receipt = entry.ToReceipt(),
        };
    }

    private async Task<Check> StoredSealCheckAsync(StoredLicense stored, SigningKeyInfo? key, CancellationToken cancellationToken)
    {
        if (key is not null && _verifiedStoredSeals.TryGetValue(stored.Content, out var verified) && verified.Covers(stored))
        {
            Interlocked.Increment(ref _rememberedSealVerdicts);
            return SealPassed(key);
        }

        var check = await SealCheckAsync(stored.CanonicalJson, stored.Seal, key, null, cancellationToken);
        if (check.Passed && key is not null)
        {
            _verifiedStoredSeals.AddOrUpdate(stored.Content, new VerifiedSeal(stored.Seal, stored.SealKeyId, stored.CanonicalJson));
        }

        return check;
    }

    private static Check SealPassed(SigningKeyInfo key) => new() { Name = VerificationChecks.Seal, Passed = true, Detail = $"SM2-SM3 seal by key {key.KeyId}" };

    private async Task<Check> SealCheckAsync(string canonicalJson, byte[] seal, SigningKeyInfo? key, LicenseDocument? document, CancellationToken cancellationToken)
    {
        if (key is null)
        {
            return new Check { Name = VerificationChecks.Seal, Passed = false, Detail = "the sealing key is unknown" };
        }

        if (document is not null && !CryptographicOperations.FixedTimeEquals(document.SealPublicKey, key.PublicKey.SubjectPublicKeyInfo))
        {
            return new Check { Name = VerificationChecks.Seal, Passed = false, Detail = "the document names a public key that is not the hub's key " + key.KeyId };
        }

        var bytes = Encoding.UTF8.GetBytes(canonicalJson);
        var cacheKey = "seal:" + Convert.ToHexStringLower(Sm3.Hash(bytes, seal, Encoding.ASCII.GetBytes(key.KeyId)));
        if (await cache.GetAsync(cacheKey, cancellationToken) is not null)
        {
            return SealPassed(key);
        }

        var valid = key.PublicKey.Verify(bytes, seal);
        if (valid)
        {
            await cache.SetAsync(cacheKey, [1], SealVerdictLifetime, cancellationToken);
        }

        return new Check { Name = VerificationChecks.Seal, Passed = valid, Detail = valid ? $"SM2-SM3 seal by key {key.KeyId}" : "the seal does not match the content" };
    }

    private static LicenseDocument? ParseDocument(byte[] bytes, Violations violations, out bool signatureValid, IReadOnlyList<System.Security.Cryptography.X509Certificates.X509Certificate2> trusted)
    {
        signatureValid = false;
        if (bytes.Length == 0 || bytes.Length > SafeXml.MaxDocumentBytes)
        {
            violations.Add("document", $"must be 1 byte to {SafeXml.MaxDocumentBytes} bytes of XML");
            return null;
        }

        try
        {
            var (document, valid) = LicenseDocument.Parse(bytes, trusted);
            signatureValid = valid;
            return document;
        }
        catch (Exception e) when (e is XmlException or FormatException)
        {
            violations.Add("document", $"is not an exported license document: {e.Message}");
            return null;
        }
    }

    private static string FirstFailure(List<Check> checks, StoredLicense stored, bool notYet)
    {
        foreach (var check in checks.Where(c => !c.Passed))
        {
            return check.Name switch
            {
                VerificationChecks.DocumentSignature => RefusalReasons.DocumentSignatureInvalid,
                VerificationChecks.Identifier => RefusalReasons.IdentifierInvalid,
                VerificationChecks.Seal => RefusalReasons.SealInvalid,
                VerificationChecks.Key => check.Detail.Contains("revoked", StringComparison.Ordinal) ? RefusalReasons.KeyRevoked : RefusalReasons.KeyUnknown,
                VerificationChecks.Status => stored.StatusName,
                VerificationChecks.Validity => notYet ? RefusalReasons.NotYetValid : RefusalReasons.Expired,
                VerificationChecks.CurrentVersion => RefusalReasons.Superseded,
                VerificationChecks.Holder => RefusalReasons.HolderMismatch,
                _ => check.Name,
            };
        }

        return string.Empty;
    }
}

/// <summary>What a remembered seal verdict covers: these very seal and canonical bytes, under this key.</summary>
internal sealed record VerifiedSeal(byte[] Seal, string KeyId, string CanonicalJson)
{
    public bool Covers(StoredLicense stored) =>
        ReferenceEquals(Seal, stored.Seal) && ReferenceEquals(CanonicalJson, stored.CanonicalJson) && KeyId == stored.SealKeyId;
}

/// <summary>VerifyLicense: by identifier or by an exported document, why (用证事由), and for which case or holder.</summary>
public sealed record VerifyLicenseCommand(LicenseIdentifier? Identifier, byte[]? Document, string Purpose, string CaseNumber = "", HolderInput? Holder = null)
{
    public static Outcome<VerifyLicenseCommand> Parse(VerifyLicenseRequest request, HolderInputParser holders, DateOnly today)
    {
        var violations = new Violations();
        var purpose = violations.Text("purpose", request.Purpose, InputLimits.PurposeLength);
        var caseNumber = violations.Text("case_number", request.CaseNumber, InputLimits.CodeLength, required: false);
        var holder = request.Holder is null ? null : holders.Parse(request.Holder, "holder", violations, today, nameRequired: false);
        LicenseIdentifier? identifier = null;
        byte[]? document = null;
        switch (request.SubjectCase)
        {
            case VerifyLicenseRequest.SubjectOneofCase.Identifier:
                identifier = LicenseIdentifierInput.Parse(request.Identifier, violations);
                break;
            case VerifyLicenseRequest.SubjectOneofCase.Document:
                document = request.Document.ToByteArray();
                break;
            default:
                violations.Add("identifier", "give the identifier or the document to verify");
                break;
        }

        return violations.ToError() is { } invalid ? invalid : new VerifyLicenseCommand(identifier, document, purpose, caseNumber, holder);
    }
}
