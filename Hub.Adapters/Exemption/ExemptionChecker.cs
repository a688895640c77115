using System.Globalization;
using Hub.Adapters.Delegations;
using Hub.Adapters.Ports;
using Hub.Core.Access;
using Hub.Core.Callers;
using Hub.Core.Contracts;
using Hub.Core.Disclosure;
using Hub.Core.Errors;
using Hub.Core.Holders;
using Hub.Core.Ports;
using Hub.Core.Time;
using Hub.Core.Validation;
using Hub.Exemption.V1;

namespace Hub.Adapters.Exemption;

/// <summary>
/// 免证办: decides, material by material, whether an applicant's e-license replaces it, and answers predicate
/// questions about a license — disclosing only what the material needs and the policy allows, logging the access
/// before the answer leaves, and answering a retried request_id with the first answer. A material no license waives
/// may still be accepted on commitment or as deficient (<see cref="MaterialAcceptanceRule"/>).
/// </summary>
public sealed class ExemptionChecker(
    IMatterCatalogue matters,
    IHolderLicenseSource licenses,
    ILicenseTypeRules types,
    IApplicantStanding standings,
    IDelegationChecks delegations,
    IAccessLog accessLog,
    IAccessWatch watch,
    IIdempotentRunner idempotency,
    WorkingCalendar calendar,
    TimeProvider time)
{
    public async Task<Outcome<CheckMatterResponse>> CheckMatterAsync(Caller caller, CheckMatterCommand command, CancellationToken cancellationToken)
    {
        var (requestId, matterCode, applicant, caseNumber, purpose, checkDate, request) = command;
        var acting = command.OnBehalfOf;
        return await idempotency.RunOnceAsync<CheckMatterResponse>(caller.Id, requestId, AuditActions.ExemptionCheckMatter, request, async ct =>
        {
            var matter = await matters.FindAsync(matterCode, ct);
            if (matter is null)
            {
                return HubError.NotFound(ReasonCodes.MatterNotFound, "no matter has this matter_code; list matters with ListMatters.");
            }

            var holderIndex = licenses.HolderIndex(applicant.IdType, applicant.IdNumber);
            var audit = new AccessRecord
            {
                CallerId = caller.Id,
                Action = AuditActions.ExemptionCheckMatter,
                ObjectType = AuditObjects.Matter,
                ObjectId = matter.MatterCode,
                HolderIndex = holderIndex,
                Purpose = purpose,
                MatterCode = matter.MatterCode,
                CaseNumber = caseNumber,
                Outcome = AuditOutcomes.Ok,
            };
            if (await watch.AdmitHolderAsync(accessLog, audit, ct) is { } tooManyHolders)
            {
                return tooManyHolders;
            }

            DelegatedScope? scope = null;
            if (acting is { Delegate: { } agent })
            {
                // A delegate applies for the principal: the use is checked (and a single use taken) before any license
                // is read, and logged either way with the delegation id in the principal's history.
                audit = audit with { DelegationId = acting.DelegationId };
                var used = await delegations.UseAsync(
                    new DelegatedUse(acting.DelegationId, holderIndex, licenses.HolderIndex(agent.IdType, agent.IdNumber), matter.MatterCode, purpose, null), ct);
                if (used.Failed)
                {
                    await accessLog.AppendAsync(audit with { Outcome = AuditOutcomes.Refused(used.Error.Reason) }, ct);
                    return used.Error;
                }

                scope = used.Value;
            }

            var held = await licenses.FindAsync(holderIndex, [.. matter.Materials.SelectMany(m => m.AcceptedTypeCodes).Distinct()], ct);
            if (scope is not null)
            {
                // Only what the principal let the delegate use waives a material.
                held = [.. held.Where(scope.Covers)];
            }

            var standing = matter.Materials.Any(m => MaterialAcceptanceRule.AllowedModes(m).Count > 0)
                ? await standings.FindAsync(holderIndex, caller.OrgCode, caseNumber, matter.MatterCode, ct)
                : ApplicantStanding.Clean;
            var today = ChinaCalendar.Today(time);
            var response = new CheckMatterResponse { MatterName = matter.Name };
            var disclosedFields = new List<string>();
            foreach (var material in matter.Materials)
            {
                var (chosen, reason) = LicenseSelection.Choose(held.Where(l => material.AcceptedTypeCodes.Contains(l.TypeCode)), checkDate);
                var result = new MaterialResult { MaterialCode = material.MaterialCode, MaterialName = material.Name };
                if (chosen is null)
                {
                    result.ReasonCode = reason;
                    result.Reason = LicenseSelection.Describe(reason, "license of an accepted type (" + string.Join(", ", material.AcceptedTypeCodes) + ")");
                    if (MaterialAcceptanceRule.Decide(material, standing, today, calendar) is { } acceptance)
                    {
                        result.Outcome = acceptance.Mode == AcceptanceMode.Commitment ? MaterialOutcome.AcceptedOnCommitment : MaterialOutcome.AcceptedDeficient;
                        result.Acceptance = acceptance;
                    }
                    else
                    {
                        result.Outcome = MaterialOutcome.Required;
                        result.ExcludedByBreach = MaterialAcceptanceRule.Excludes(material, standing);
                        if (result.ExcludedByBreach)
                        {
                            result.Reason += "; the applicant has a recorded breach of an obligation, so commitment and deficiency are not offered";
                        }
                    }
                }
                else
                {
                    var disclosed = Facts(chosen, material.NeededFields, caller);
                    result.Outcome = MaterialOutcome.Waived;
                    result.LicenseIdentifier = chosen.Identifier;
                    result.Facts.Add(disclosed.Values.ToDictionary());
                    result.Disclosure.Add(disclosed.Decisions);
                    disclosedFields.AddRange(disclosed.DisclosedFields.Select(f => $"{material.MaterialCode}.{f}"));
                }

                response.Materials.Add(result);
            }

            var waived = response.Materials.Count(m => m.Outcome == MaterialOutcome.Waived);
            var accepted = response.Materials.Count(m => m.Outcome is MaterialOutcome.AcceptedOnCommitment or MaterialOutcome.AcceptedDeficient);
            var entry = await accessLog.AppendAsync(audit with
            {
                Fields = disclosedFields,
                Outcome = accepted == 0
                    ? string.Create(CultureInfo.InvariantCulture, $"WAIVED:{waived}/{response.Materials.Count}")
                    : string.Create(CultureInfo.InvariantCulture, $"WAIVED:{waived}/{response.Materials.Count} ACCEPTED:{accepted}"),
            }, ct);
            response.Receipt = entry.ToReceipt();
            return response;
        }, cancellationToken);
    }

    public async Task<Outcome<CheckLicenseResponse>> CheckLicenseAsync(Caller caller, CheckLicenseCommand command, CancellationToken cancellationToken)
    {
        var today = ChinaCalendar.Today(time);
        var (requestId, holder, typeCode, matterCode, caseNumber, purpose, dates, request) = command;
        return await idempotency.RunOnceAsync<CheckLicenseResponse>(caller.Id, requestId, AuditActions.ExemptionCheckLicense, request, async ct =>
        {
            var type = await types.FindAsync(typeCode, ct);
            if (type is null)
            {
                return HubError.NotFound(ReasonCodes.LicenseTypeNotFound, "no license type has this type_code; list them with ListLicenseTypes.");
            }

            var holderIndex = licenses.HolderIndex(holder.IdType, holder.IdNumber);
            var audit = new AccessRecord
            {
                CallerId = caller.Id,
                Action = AuditActions.ExemptionCheckLicense,
                ObjectType = AuditObjects.LicenseType,
                ObjectId = typeCode,
                HolderIndex = holderIndex,
                Purpose = purpose,
                MatterCode = matterCode.Length > 0 ? matterCode : null,
                CaseNumber = caseNumber,
                Fields = [.. request.Assertions.Where(a => a.Field.Length > 0).Select(a => a.Field.Trim()).Distinct()],
                Outcome = AuditOutcomes.NotSatisfied,
            };
            if (AskableQuestions.Refusal(request.Assertions, type.Value.Fields, DisclosureContext.License(caller.Clearance, type.Value.Sharing), typeCode) is { } refused)
            {
                // Judged on the type alone, before the holder's licenses are read, and logged: the refusal says
                // nothing about whether this holder holds one, and the holder can see that someone asked.
                await accessLog.AppendAsync(audit with { Outcome = AuditOutcomes.Refused(refused.Reason) }, ct);
                return refused;
            }

            if (await watch.AdmitHolderAsync(accessLog, audit, ct) is { } tooManyHolders)
            {
                return tooManyHolders;
            }

            if (request.Assertions.Any(a => a.Op == AssertionOp.Equals) && await watch.AdmitGuessesAsync(accessLog, audit, ct) is { } tooManyGuesses)
            {
                return tooManyGuesses;
            }

            var held = await licenses.FindAsync(holderIndex, [typeCode], ct);
            var (chosen, _) = LicenseSelection.Choose(held, today);
            var best = chosen ?? held.OrderByDescending(l => l.IssuedAt).FirstOrDefault();
            var response = new CheckLicenseResponse();
            for (var i = 0; i < request.Assertions.Count; i++)
            {
                var assertion = request.Assertions[i];
                var satisfied = assertion.Op switch
                {
                    AssertionOp.Exists => assertion.Field.Length == 0
                        ? chosen is not null
                        : best?.Face.TryGetValue(assertion.Field.Trim(), out var present) == true && present.Length > 0,
                    AssertionOp.Equals => best?.Face.TryGetValue(assertion.Field.Trim(), out var value) == true && value == assertion.Value.Trim(),
                    AssertionOp.ValidOn => best is not null && LicenseSelection.ReasonOn(best, dates[i]) == RequiredReason.Unspecified,
                    _ => false,
                };
                response.Results.Add(new AssertionResult { Field = assertion.Field, Op = assertion.Op, Satisfied = satisfied });
            }

            response.Satisfied = response.Results.All(r => r.Satisfied);
            watch.CountFailedGuesses(caller.Id, response.Results.Count(r => r.Op == AssertionOp.Equals && !r.Satisfied));
            var entry = await accessLog.AppendAsync(audit with { Outcome = response.Satisfied ? AuditOutcomes.Satisfied : AuditOutcomes.NotSatisfied }, ct);
            response.Receipt = entry.ToReceipt();
            return response;
        }, cancellationToken);
    }

    private static DisclosedRecord Facts(HolderLicense license, IReadOnlyList<string> neededFields, Caller caller)
    {
        var specs = license.Fields.Where(f => neededFields.Contains(f.Name)).ToList();
        var values = license.Face.Where(p => neededFields.Contains(p.Key)).ToDictionary(p => p.Key, p => p.Value);
        // The matter's material names the fields it needs, as a grant would.
        return DisclosurePolicy.Apply(specs, values, DisclosureContext.Named(caller.Clearance, license.Sharing, neededFields));
    }
}

/// <summary>CheckMatter: which matter, for which applicant, in which case, why, on which day; and the delegate acting, if any.</summary>
public sealed record CheckMatterCommand(
    string RequestId, string MatterCode, HolderInput Applicant, string CaseNumber, string Purpose, DateOnly CheckDate, CheckMatterRequest Request)
{
    public OnBehalfOfInput? OnBehalfOf { get; init; }

    public static Outcome<CheckMatterCommand> Parse(CheckMatterRequest request, HolderInputParser holders, DateOnly today)
    {
        var violations = new Violations();
        var requestId = violations.Text("request_id", request.RequestId, InputLimits.RequestIdLength);
        var matterCode = violations.Text("matter_code", request.MatterCode, InputLimits.CodeLength);
        var applicant = holders.Parse(request.Applicant, "applicant", violations, today, nameRequired: false);
        var caseNumber = violations.Text("case_number", request.CaseNumber, InputLimits.CodeLength);
        var purpose = violations.Text("purpose", request.Purpose, InputLimits.PurposeLength);
        var checkDate = ChinaCalendar.Parse(request.CheckDate, "check_date", violations, required: false) ?? today;
        var onBehalfOf = OnBehalfOfInput.Parse(request.OnBehalfOf, holders, violations, today, delegateNamed: true);
        return violations.ToError() is { } invalid
            ? invalid
            : new CheckMatterCommand(requestId, matterCode, applicant, caseNumber, purpose, checkDate, request) { OnBehalfOf = onBehalfOf };
    }
}

/// <summary>CheckLicense: yes/no questions about a holder's license of a type; VALID_ON dates parsed by assertion index.</summary>
public sealed record CheckLicenseCommand(
    string RequestId, HolderInput Holder, string TypeCode, string MatterCode, string CaseNumber, string Purpose,
    IReadOnlyDictionary<int, DateOnly> Dates, CheckLicenseRequest Request)
{
    public static Outcome<CheckLicenseCommand> Parse(CheckLicenseRequest request, HolderInputParser holders, DateOnly today)
    {
        var violations = new Violations();
        var requestId = violations.Text("request_id", request.RequestId, InputLimits.RequestIdLength);
        var holder = holders.Parse(request.Holder, "holder", violations, today, nameRequired: false);
        var typeCode = violations.Text("type_code", request.TypeCode, InputLimits.TypeCodeLength).ToUpperInvariant();
        var matterCode = violations.Text("matter_code", request.MatterCode, InputLimits.CodeLength, required: false);
        var caseNumber = violations.Text("case_number", request.CaseNumber, InputLimits.CodeLength);
        var purpose = violations.Text("purpose", request.Purpose, InputLimits.PurposeLength);
        if (request.Assertions.Count is 0 or > InputLimits.MaxAssertions)
        {
            violations.Add("assertions", $"ask 1 to {InputLimits.MaxAssertions} assertions");
        }

        var dates = new Dictionary<int, DateOnly>();
        for (var i = 0; i < request.Assertions.Count && i < InputLimits.MaxAssertions; i++)
        {
            var assertion = request.Assertions[i];
            violations.Enum($"assertions[{i}].op", assertion.Op);

            // Checked whatever the holder holds: the field names are written into the access log.
            violations.Text($"assertions[{i}].field", assertion.Field, InputLimits.FieldNameLength, required: false);
            violations.Text($"assertions[{i}].value", assertion.Value, InputLimits.FaceValueLength, required: false);
            if (assertion.Op == AssertionOp.Equals && assertion.Field.Length == 0)
            {
                violations.Add($"assertions[{i}].field", "EQUALS needs a field");
            }

            if (assertion.Op == AssertionOp.ValidOn)
            {
                if (DateOnly.TryParseExact(assertion.Value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var on))
                {
                    dates[i] = on;
                }
                else
                {
                    violations.Add($"assertions[{i}].value", "VALID_ON needs a date YYYY-MM-DD");
                }
            }
        }

        return violations.ToError() is { } invalid
            ? invalid
            : new CheckLicenseCommand(requestId, holder, typeCode, matterCode, caseNumber, purpose, dates, request);
    }
}
