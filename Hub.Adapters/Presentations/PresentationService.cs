using System.Buffers.Text;
using System.Security.Cryptography;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Hub.Adapters.Delegations;
using Hub.Adapters.Exemption;
using Hub.Adapters.Ports;
using Hub.Common.V1;
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
using Hub.Verification.V1;
using QRCoder;

namespace Hub.Adapters.Presentations;

/// <summary>
/// 亮证: the holder (through the portal) presents chosen fields of a license as a short-lived signed token and QR
/// code; a verifier checks it once — signature, expiry, one-time use, the license's live status — and sees only
/// those fields. Both sides are logged.
/// </summary>
public sealed class PresentationService(
    IHolderLicenseSource licenses,
    IPresentationSigner signer,
    IOneTimeNonceStore nonces,
    IDelegationChecks delegations,
    IAccessLog accessLog,
    TimeProvider time)
{
    public const int DefaultTtlSeconds = 120;
    public const int MaxTtlSeconds = 300;
    public const int MaxFields = 30;
    private const string NonceScope = "presentation";
    private const string HolderNameField = "holder.name";

    public async Task<Outcome<CreatePresentationResponse>> CreateAsync(Caller caller, CreatePresentationCommand command, CancellationToken cancellationToken)
    {
        var (holder, identifier, ttl, fields) = command;
        var acting = command.OnBehalfOf;

        // The holder presents their own license; a delegate, whom the assertion names, presents the principal's.
        var asserted = PortalActingFor.Asserted(caller);
        if (asserted.Failed)
        {
            return asserted.Error;
        }

        if (acting is null && PortalActingFor.Refusal(caller, holder) is { } notAsserted)
        {
            return notAsserted;
        }

        var license = await licenses.FindByIdentifierAsync(identifier, cancellationToken);
        if (license is null)
        {
            return HubError.NotFound(ReasonCodes.LicenseNotFound, "no license has this identifier.");
        }

        var holderIndex = licenses.HolderIndex(holder.IdType, holder.IdNumber);
        if (!CryptographicOperations.FixedTimeEquals(holderIndex, license.HolderIndex))
        {
            return HubError.PermissionDenied(ReasonCodes.NotHolder, "the license does not belong to the holder named.");
        }

        if (license.Superseded)
        {
            return HubError.FailedPrecondition(ReasonCodes.NotCurrentVersion, $"version {license.CurrentVersion} superseded this one; present the current version.");
        }

        var violations = new Violations();
        for (var i = 0; i < fields.Count; i++)
        {
            if (fields[i] != HolderNameField && license.Fields.All(f => f.Name != fields[i]))
            {
                violations.Add($"fields[{i}]", $"is not a field of license type {license.TypeCode}");
            }
        }

        if (violations.ToError() is { } invalid)
        {
            return invalid;
        }

        var audit = new AccessRecord
        {
            CallerId = caller.Id,
            Action = AuditActions.VerificationCreatePresentation,
            ObjectType = AuditObjects.License,
            ObjectId = license.Identifier,
            HolderIndex = holderIndex,
            Purpose = command.Purpose,
            MatterCode = command.MatterCode,
            Fields = [.. fields.Distinct()],
            DelegationId = acting?.DelegationId,
            Outcome = AuditOutcomes.Ok,
        };
        if (acting is not null)
        {
            var agent = asserted.Value;
            var used = await delegations.UseAsync(
                new DelegatedUse(acting.DelegationId, holderIndex, licenses.HolderIndex(agent.IdType, agent.IdNumber), command.MatterCode, command.Purpose, license),
                cancellationToken);
            if (used.Failed)
            {
                await accessLog.AppendAsync(audit with { Fields = [], Outcome = AuditOutcomes.Refused(used.Error.Reason) }, cancellationToken);
                return used.Error;
            }
        }

        var expires = time.GetUtcNow().AddSeconds(ttl);
        var nonce = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(16));
        var token = new PresentationToken(license.Identifier, audit.Fields, expires.ToUnixTimeSeconds(), nonce, string.Empty) { DelegationId = acting?.DelegationId };
        var (payload, signature) = await signer.SignAsync(keyId => (token with { KeyId = keyId }).Payload(), cancellationToken);
        var text = PresentationToken.Encode(payload, signature);
        await accessLog.AppendAsync(audit, cancellationToken);
        using var qr = new QRCodeGenerator().CreateQrCode(text, QRCodeGenerator.ECCLevel.M);
        return new CreatePresentationResponse
        {
            Token = text,
            QrPng = ByteString.CopyFrom(new PngByteQRCode(qr).GetGraphic(4)),
            ExpiresAt = Timestamp.FromDateTimeOffset(DateTimeOffset.FromUnixTimeSeconds(token.ExpiresAt)),
        };
    }

    public async Task<Outcome<VerifyPresentationResponse>> VerifyAsync(Caller caller, VerifyPresentationCommand command, CancellationToken cancellationToken)
    {
        var (text, purpose) = command;

        if (!PresentationToken.TryDecode(text, out var token, out var payload, out var signature)
            || !await signer.VerifyAsync(token.KeyId, payload, signature, cancellationToken))
        {
            return await RefuseAsync(caller, null, purpose, RefusalReasons.BadSignature, null, cancellationToken);
        }

        var license = await licenses.FindByIdentifierAsync(token.Identifier, cancellationToken);
        var delegation = token.DelegationId;
        if (time.GetUtcNow().ToUnixTimeSeconds() > token.ExpiresAt)
        {
            return await RefuseAsync(caller, license, purpose, RefusalReasons.Expired, delegation, cancellationToken);
        }

        // Revoked at once: a delegate's token made before the principal revoked is refused within its lifetime too.
        if (delegation is { } delegationId && await delegations.WithdrawnAsync(delegationId, cancellationToken) is not null)
        {
            return await RefuseAsync(caller, license, purpose, RefusalReasons.DelegationWithdrawn, delegation, cancellationToken);
        }

        if (!await nonces.TryConsumeAsync(NonceScope, token.Nonce, DateTimeOffset.FromUnixTimeSeconds(token.ExpiresAt), cancellationToken))
        {
            return await RefuseAsync(caller, license, purpose, RefusalReasons.AlreadyUsed, delegation, cancellationToken);
        }

        if (license is null || LicenseSelection.ReasonOn(license, ChinaCalendar.Today(time)) != Hub.Exemption.V1.RequiredReason.Unspecified)
        {
            return await RefuseAsync(caller, license, purpose, RefusalReasons.LicenseNotValid, delegation, cancellationToken);
        }

        // Like VerifyLicense: a token names one version, and an amendment (驾驶证 C1 → C2) makes its face history.
        if (license.Superseded)
        {
            return await RefuseAsync(caller, license, purpose, RefusalReasons.Superseded, delegation, cancellationToken);
        }

        var shown = new License
        {
            Identifier = license.Identifier,
            TypeCode = license.TypeCode,
            TypeName = license.TypeName,
            Version = (uint)license.Version,
            IssuerOrgCode = license.IssuerOrgCode,
            Status = LicenseStatus.Valid,
            ValidFrom = ChinaCalendar.ToDate(license.ValidFrom),
            Holder = new Holder { Name = token.Fields.Contains(HolderNameField) ? license.HolderName : string.Empty },
        };
        if (license.ValidUntil is { } until)
        {
            shown.ValidUntil = ChinaCalendar.ToDate(until);
        }

        // The holder chose these fields for this token: the policy's holder-presented rule, over those fields only.
        var presented = license.Fields.Where(f => token.Fields.Contains(f.Name));
        var disclosed = DisclosurePolicy.Apply(presented, license.Face, DisclosureContext.HolderPresented(caller.Clearance));
        shown.Face.Add(disclosed.Values.ToDictionary());
        shown.Disclosure.Add(disclosed.Decisions);

        var entry = await accessLog.AppendAsync(Record(caller, license, purpose, token.Fields, AuditOutcomes.Valid, delegation), cancellationToken);
        return new VerifyPresentationResponse { Valid = true, License = shown, Receipt = entry.ToReceipt() };
    }

    private async Task<Outcome<VerifyPresentationResponse>> RefuseAsync(
        Caller caller, HolderLicense? license, string purpose, string reason, Guid? delegationId, CancellationToken cancellationToken)
    {
        var entry = await accessLog.AppendAsync(Record(caller, license, purpose, [], reason, delegationId), cancellationToken);
        return new VerifyPresentationResponse { Valid = false, Reason = reason, Receipt = entry.ToReceipt() };
    }

    private static AccessRecord Record(Caller caller, HolderLicense? license, string purpose, IReadOnlyList<string> fields, string outcome, Guid? delegationId) => new()
    {
        DelegationId = delegationId,
        CallerId = caller.Id,
        Action = AuditActions.VerificationVerifyPresentation,
        ObjectType = AuditObjects.License,
        ObjectId = license?.Identifier,
        HolderIndex = license?.HolderIndex,
        Purpose = purpose,
        Fields = fields,
        Outcome = outcome,
    };
}

/// <summary>
/// CreatePresentation: the holder the portal acts for (or, with <see cref="OnBehalfOf"/>, the principal a delegate
/// presents for, and what for), which license, for how long, which fields.
/// </summary>
public sealed record CreatePresentationCommand(HolderInput Holder, string Identifier, int TtlSeconds, IReadOnlyList<string> Fields)
{
    public OnBehalfOfInput? OnBehalfOf { get; init; }

    public string? MatterCode { get; init; }

    public string? Purpose { get; init; }

    public static Outcome<CreatePresentationCommand> Parse(CreatePresentationRequest request, HolderInputParser holders, DateOnly today)
    {
        var violations = new Violations();
        var holder = holders.Parse(request.Holder, "holder", violations, today, nameRequired: false);
        var identifier = violations.Text("identifier", request.Identifier, InputLimits.IdentifierLength);
        var ttl = request.TtlSeconds == 0 ? PresentationService.DefaultTtlSeconds : (int)Math.Min(request.TtlSeconds, int.MaxValue);
        if (ttl > PresentationService.MaxTtlSeconds)
        {
            violations.Add("ttl_seconds", $"must be at most {PresentationService.MaxTtlSeconds}");
        }

        if (request.Fields.Count is 0 or > PresentationService.MaxFields)
        {
            violations.Add("fields", $"present 1 to {PresentationService.MaxFields} fields");
        }

        var onBehalfOf = OnBehalfOfInput.Parse(request.OnBehalfOf, holders, violations, today, delegateNamed: false);
        var matterCode = violations.Text("matter_code", request.MatterCode, InputLimits.CodeLength, required: false);
        var purpose = violations.Text("purpose", request.Purpose, InputLimits.PurposeLength, required: false);
        if (onBehalfOf is null && matterCode.Length + purpose.Length > 0)
        {
            violations.Add("matter_code", "is for a delegate's presentation (with on_behalf_of); a holder presenting their own license leaves matter_code and purpose empty");
        }
        else if (onBehalfOf is not null && matterCode.Length + purpose.Length == 0)
        {
            violations.Add("purpose", "a delegate names the matter_code or purpose the presentation is for; the delegation must cover it");
        }

        return violations.ToError() is { } invalid
            ? invalid
            : new CreatePresentationCommand(holder, identifier, ttl, [.. request.Fields])
            {
                OnBehalfOf = onBehalfOf,
                MatterCode = matterCode.Length > 0 ? matterCode : null,
                Purpose = purpose.Length > 0 ? purpose : null,
            };
    }
}

/// <summary>VerifyPresentation: the token as scanned, and why (用证事由).</summary>
public sealed record VerifyPresentationCommand(string Token, string Purpose)
{
    public const int MaxTokenLength = 4096;

    public static Outcome<VerifyPresentationCommand> Parse(VerifyPresentationRequest request)
    {
        var violations = new Violations();
        var token = violations.Text("token", request.Token, MaxTokenLength);
        var purpose = violations.Text("purpose", request.Purpose, InputLimits.PurposeLength);
        return violations.ToError() is { } invalid ? invalid : new VerifyPresentationCommand(token, purpose);
    }
}
