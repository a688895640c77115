using System.CommandLine;
using Hub.Common.V1;
using Hub.Exemption.V1;

namespace Hub.Cli.Commands;

/// <summary><c>hubctl exemption check-matter</c>: 免证办 from the command line (VERIFIER key).</summary>
internal static class ExemptionCommand
{
    public static Command Create(ConnectionOptions connection, CliEnvironment environment)
    {
        var matter = new Option<string>("--matter") { Description = "Matter code (政务服务事项)", Required = true };
        var idType = new Option<string>("--applicant-id-type") { Description = "CITIZEN_ID, USCC, …", DefaultValueFactory = _ => "CITIZEN_ID" };
        var id = new Option<string>("--applicant-id") { Description = "The applicant's identifier", Required = true };
        var caseNumber = new Option<string>("--case-number") { Description = "The department's case number (办件编号)", Required = true };
        var purpose = new Option<string>("--purpose") { Description = "用证事由", Required = true };
        var requestId = new Option<string?>("--request-id") { Description = "Idempotency key (default: a new one)" };
        var onBehalfOf = new Option<string?>("--on-behalf-of") { Description = "委托授权: the delegation id when a delegate applies for the applicant" };
        var delegateType = new Option<string>("--delegate-id-type") { Description = "CITIZEN_ID or USCC", DefaultValueFactory = _ => "CITIZEN_ID" };
        var delegateId = new Option<string?>("--delegate-id") { Description = "With --on-behalf-of: the delegate's identifier (代办人)" };
        var checkMatter = new Command("check-matter", "Which required materials the applicant need not submit")
        {
            matter, idType, id, caseNumber, purpose, requestId, onBehalfOf, delegateType, delegateId,
        };
        checkMatter.SetAction(async (parsed, cancellationToken) => await CliCall.RunAsync(connection, parsed, environment, async channel =>
        {
            var type = CliEnums.Parse<HolderIdType>(parsed.GetValue(idType));
            var response = await new ExemptionService.ExemptionServiceClient(channel).CheckMatterAsync(new CheckMatterRequest
            {
                RequestId = parsed.GetValue(requestId) ?? Guid.NewGuid().ToString(),
                MatterCode = parsed.GetValue(matter)!,
                Applicant = new Holder { IdType = type, IdNumber = parsed.GetValue(id)! },
                CaseNumber = parsed.GetValue(caseNumber)!,
                Purpose = parsed.GetValue(purpose)!,
                OnBehalfOf = parsed.GetValue(onBehalfOf) is { } delegation
                    ? new OnBehalfOf
                    {
                        DelegationId = delegation,
                        Delegate = parsed.GetValue(delegateId) is { } agent ? new Holder { IdType = CliEnums.Parse<HolderIdType>(parsed.GetValue(delegateType)), IdNumber = agent } : null,
                    }
                    : null,
            }, cancellationToken: cancellationToken);
            connection.Output.Write(parsed, environment, response, () =>
            {
                environment.Out.WriteLine(response.MatterName);
                foreach (var material in response.Materials)
                {
                    environment.Out.WriteLine(material.Outcome switch
                    {
                        MaterialOutcome.Waived => $"  WAIVED    {material.MaterialCode} {material.MaterialName}: {material.LicenseIdentifier}",
                        MaterialOutcome.AcceptedOnCommitment or MaterialOutcome.AcceptedDeficient => $"  {Accepted(material)}",
                        _ => $"  REQUIRED  {material.MaterialCode} {material.MaterialName}: {ReasonName(material.ReasonCode)} — {material.Reason}",
                    });
                    foreach (var (field, value) in material.Facts.OrderBy(f => f.Key, StringComparer.Ordinal))
                    {
                        environment.Out.WriteLine($"            {field}: {value}");
                    }
                }

                environment.Out.WriteLine($"receipt: log index {response.Receipt.LogIndex}");
            });
        }));
        var command = new Command("exemption", "免证办 checks (VERIFIER key)");
        command.Subcommands.Add(checkMatter);
        return command;
    }

    // 告知承诺 / 容缺后补: the mode, the deadline, the obligation once the department accepted (hubctl obligations accept).
    private static string Accepted(MaterialResult material)
    {
        var acceptance = material.Acceptance;
        var outcome = material.Outcome == MaterialOutcome.AcceptedOnCommitment ? "ACCEPTED_ON_COMMITMENT" : "ACCEPTED_DEFICIENT";
        var obligation = acceptance.ObligationId.Length > 0 ? $"obligation {acceptance.ObligationId}" : "not yet accepted";
        return $"{outcome} {material.MaterialCode} {material.MaterialName}: proof due by {CliDates.Format(acceptance.Deadline)} ({acceptance.DeadlineWorkingDays} working days), {obligation}; on breach: {acceptance.OnBreach}";
    }

    private static string ReasonName(RequiredReason reason) => reason switch
    {
        RequiredReason.NoLicense => "NO_LICENSE",
        RequiredReason.NotYetValid => "NOT_YET_VALID",
        _ => reason.ToString().ToUpperInvariant(),
    };
}
