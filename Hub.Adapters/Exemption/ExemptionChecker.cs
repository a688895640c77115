using System.Globalization;
using Hub.Adapters.Ports;
using Hub.Common.V1;
using Hub.Core.Access;
using Hub.Core.Callers;
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
/// before the answer leaves, and answering a retried request_id with the first answer.
/// </summary>
public sealed class ExemptionChecker(
    IMatterCatalogue matters,
    IHolderLicenseSource licenses,
    IAccessLog accessLog,
    IIdempotentRunner idempotency,
    TimeProvider time)
{
    public const int MaxAssertions = 20;

    public async Task<Outcome<CheckMatterResponse>> CheckMatterAsync(Caller caller, CheckMatterRequest request, CancellationToken cancellationToken)
    {
        var today = ChinaCalendar.Today(time);
        var violations = new Violations();
        var requestId = violations.Text("request_id", request.RequestId, InputLimits.RequestIdLength);
        var matterCode = violations.Text("matter_code", request.MatterCode, InputLimits.CodeLength);
        var applicant = HolderInput.Parse(request.Applicant, "applicant", violations, today, licenses.LegacyUsccAllowList, nameRequired: false);
        var caseNumber = violations.Text("case_number", request.CaseNumber, InputLimits.CodeLength);
        var purpose = violations.Text("purpose", request.Purpose, InputLimits.PurposeLength);
        var checkDate = ChinaCalendar.Parse(request.CheckDate, "check_date", violations, required: false) ?? today;
        violations.ThrowIfAny();

        return await idempotency.RunOnceAsync<CheckMatterResponse>(caller.Id, requestId, "exemption.CheckMatter", request, async ct =>
        {
            var matter = await matters.FindAsync(matterCode, ct);
            if (matter is null)
            {
                return HubError.NotFound("MATTER_NOT_FOUND", "no matter has this matter_code; list matters with ListMatters.");
            }

            var holderIndex = licenses.HolderIndex(applicant.IdType, applicant.IdNumber);
            var held = await licenses.FindAsync(holderIndex, [.. matter.Materials.SelectMany(m => m.AcceptedTypeCodes).Distinct()], ct);
            var response = new CheckMatterResponse { MatterName = matter.Name };
            var disclosedFields = new List<string>();
            foreach (var material in matter.Materials)
            {
                var (chosen, reason) = LicenseSelection.Choose(held.Where(l => material.AcceptedTypeCodes.Contains(l.TypeCode)), checkDate);
                var result = new MaterialResult { MaterialCode = material.MaterialCode, MaterialName = material.Name };
                if (chosen is null)
                {
                    result.Outcome = MaterialOutcome.Required;
                    result.ReasonCode = reason;
                    result.Reason = LicenseSelection.Describe(reason, "license of an accepted type (" + string.Join(", ", material.AcceptedTypeCodes) + ")");
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
            var entry = await accessLog.AppendAsync(new AccessRecord
            {
                CallerId = caller.Id,
                Action = "exemption.CheckMatter",
                ObjectType = "matter",
                ObjectId = matter.MatterCode,
                HolderIndex = holderIndex,
                Purpose = purpose,
                MatterCode = matter.MatterCode,
                CaseNumber = caseNumber,
                Fields = disclosedFields,
                Outcome = string.Create(CultureInfo.InvariantCulture, $"WAIVED:{waived}/{response.Materials.Count}"),
            }, ct);
            response.Receipt = entry.ToReceipt();
            return response;
        }, cancellationToken);
    }

    public async Task<Outcome<CheckLicenseResponse>> CheckLicenseAsync(Caller caller, CheckLicenseRequest request, CancellationToken cancellationToken)
    {
        var today = ChinaCalendar.Today(time);
        var violations = new Violations();
        var requestId = violations.Text("request_id", request.RequestId, InputLimits.RequestIdLength);
        var holder = HolderInput.Parse(request.Holder, "holder", violations, today, licenses.LegacyUsccAllowList, nameRequired: false);
        var typeCode = violations.Text("type_code", request.TypeCode, 21).ToUpperInvariant();
        var matterCode = violations.Text("matter_code", request.MatterCode, InputLimits.CodeLength, required: false);
        var caseNumber = violations.Text("case_number", request.CaseNumber, InputLimits.CodeLength);
        var purpose = violations.Text("purpose", request.Purpose, InputLimits.PurposeLength);
        if (request.Assertions.Count is 0 or > MaxAssertions)
        {
            violations.Add("assertions", $"ask 1 to {MaxAssertions} assertions");
        }

        var dates = new Dictionary<int, DateOnly>();
        for (var i = 0; i < request.Assertions.Count && i < MaxAssertions; i++)
        {
            var assertion = request.Assertions[i];
            violations.Enum($"assertions[{i}].op", assertion.Op);
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

        violations.ThrowIfAny();

        return await idempotency.RunOnceAsync<CheckLicenseResponse>(caller.Id, requestId, "exemption.CheckLicense", request, async ct =>
        {
            var holderIndex = licenses.HolderIndex(holder.IdType, holder.IdNumber);
            var held = await licenses.FindAsync(holderIndex, [typeCode], ct);
            var (chosen, _) = LicenseSelection.Choose(held, today);
            var best = chosen ?? held.OrderByDescending(l => l.IssuedAt).FirstOrDefault();
            var context = DisclosureContext.License(caller.Clearance, best?.Sharing ?? SharingType.Unconditional);
            var response = new CheckLicenseResponse();
            for (var i = 0; i < request.Assertions.Count; i++)
            {
                var assertion = request.Assertions[i];
                if (assertion.Field.Length > 0 && best is not null)
                {
                    // A yes/no about a field is still a disclosure: only about fields the caller could see at least masked.
                    var spec = best.Fields.FirstOrDefault(f => f.Name == assertion.Field);
                    if (spec is null)
                    {
                        return HubError.InvalidArgument($"assertions[{i}].field", $"is not a field of license type {typeCode}");
                    }

                    if (DisclosurePolicy.Decide(spec, context).Decision == DisclosureDecision.Withheld)
                    {
                        return HubError.PermissionDenied("FIELD_NOT_DISCLOSABLE", $"this caller may not learn about field {assertion.Field}, not even yes or no.");
                    }
                }

                var satisfied = assertion.Op switch
                {
                    AssertionOp.Exists => assertion.Field.Length == 0
                        ? chosen is not null
                        : best?.Face.TryGetValue(assertion.Field, out var present) == true && present.Length > 0,
                    AssertionOp.Equals => best?.Face.TryGetValue(assertion.Field, out var value) == true && value == assertion.Value.Trim(),
                    AssertionOp.ValidOn => best is not null && LicenseSelection.ReasonOn(best, dates[i]) == RequiredReason.Unspecified,
                    _ => false,
                };
                response.Results.Add(new AssertionResult { Field = assertion.Field, Op = assertion.Op, Satisfied = satisfied });
            }

            response.Satisfied = response.Results.All(r => r.Satisfied);
            var entry = await accessLog.AppendAsync(new AccessRecord
            {
                CallerId = caller.Id,
                Action = "exemption.CheckLicense",
                ObjectType = "license_type",
                ObjectId = typeCode,
                HolderIndex = holderIndex,
                Purpose = purpose,
                MatterCode = matterCode.Length > 0 ? matterCode : null,
                CaseNumber = caseNumber,
                Fields = [.. request.Assertions.Where(a => a.Field.Length > 0).Select(a => a.Field).Distinct()],
                Outcome = response.Satisfied ? "SATISFIED" : "NOT_SATISFIED",
            }, ct);
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
