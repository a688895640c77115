using System.CommandLine;
using Hub.Common.V1;
using Hub.Exemption.V1;

namespace Hub.Cli.Commands;

/// <summary>
/// <c>hubctl obligations accept|breach|get|list</c>: 承诺办 / 容缺办 from the command line — a department (VERIFIER key)
/// accepts a material on commitment or as deficient and records a breach; it, the supervision platform (SUPERVISOR)
/// and auditors list obligations.
/// </summary>
internal static class ObligationsCommand
{
    public static Command Create(ConnectionOptions connection, CliEnvironment environment)
    {
        var command = new Command("obligations", "承诺办 / 容缺办: obligations of materials accepted on commitment or as deficient");
        command.Subcommands.Add(Accept(connection, environment));
        command.Subcommands.Add(Breach(connection, environment));
        command.Subcommands.Add(Get(connection, environment));
        command.Subcommands.Add(List(connection, environment));
        return command;
    }

    private static Command Accept(ConnectionOptions connection, CliEnvironment environment)
    {
        var matter = new Option<string>("--matter") { Description = "Matter code (政务服务事项)", Required = true };
        var material = new Option<string>("--material") { Description = "The material's code in the matter", Required = true };
        var mode = new Option<string>("--mode") { Description = "COMMITMENT (告知承诺) or DEFICIENCY_TOLERATED (容缺后补)", Required = true };
        var idType = new Option<string>("--applicant-id-type") { Description = "CITIZEN_ID, USCC, …", DefaultValueFactory = _ => "CITIZEN_ID" };
        var id = new Option<string>("--applicant-id") { Description = "The applicant's identifier", Required = true };
        var caseNumber = new Option<string>("--case-number") { Description = "The department's case number (办件编号)", Required = true };
        var requestId = new Option<string?>("--request-id") { Description = "Idempotency key (default: a new one)" };
        var accept = new Command("accept", "Accept a material on the applicant's commitment or as deficient (VERIFIER)") { matter, material, mode, idType, id, caseNumber, requestId };
        accept.SetAction(async (parsed, cancellationToken) => await CliCall.RunAsync(connection, parsed, environment, async channel =>
        {
            var response = await new ObligationService.ObligationServiceClient(channel).AcceptOnCommitmentAsync(new AcceptOnCommitmentRequest
            {
                RequestId = parsed.GetValue(requestId) ?? Guid.NewGuid().ToString(),
                MatterCode = parsed.GetValue(matter)!,
                MaterialCode = parsed.GetValue(material)!,
                Mode = CliEnums.Parse<AcceptanceMode>(parsed.GetValue(mode)),
                Applicant = new Holder { IdType = CliEnums.Parse<HolderIdType>(parsed.GetValue(idType)), IdNumber = parsed.GetValue(id)! },
                CaseNumber = parsed.GetValue(caseNumber)!,
            }, cancellationToken: cancellationToken);
            connection.Output.Write(parsed, environment, response, () =>
            {
                Print(environment, response.Obligation);
                if (!response.Created)
                {
                    environment.Out.WriteLine("(this case had already accepted this material: the obligation above is that one)");
                }
            });
        }));
        return accept;
    }

    private static Command Breach(ConnectionOptions connection, CliEnvironment environment)
    {
        var obligation = new Argument<string>("obligation-id") { Description = "The obligation" };
        var note = new Option<string>("--note") { Description = "What was breached (no personal data)", Required = true };
        var requestId = new Option<string?>("--request-id") { Description = "Idempotency key (default: a new one)" };
        var breach = new Command("breach", "Record that the applicant breached an obligation (VERIFIER of the accepting department)") { obligation, note, requestId };
        breach.SetAction(async (parsed, cancellationToken) => await CliCall.RunAsync(connection, parsed, environment, async channel =>
        {
            var response = await new ObligationService.ObligationServiceClient(channel).RecordBreachAsync(new RecordBreachRequest
            {
                RequestId = parsed.GetValue(requestId) ?? Guid.NewGuid().ToString(),
                ObligationId = parsed.GetValue(obligation)!,
                Note = parsed.GetValue(note)!,
            }, cancellationToken: cancellationToken);
            connection.Output.Write(parsed, environment, response, () => Print(environment, response.Obligation));
        }));
        return breach;
    }

    private static Command Get(ConnectionOptions connection, CliEnvironment environment)
    {
        var obligation = new Argument<string>("obligation-id") { Description = "The obligation" };
        var get = new Command("get", "Show one obligation") { obligation };
        get.SetAction(async (parsed, cancellationToken) => await CliCall.RunAsync(connection, parsed, environment, async channel =>
        {
            var response = await new ObligationService.ObligationServiceClient(channel).GetObligationAsync(
                new GetObligationRequest { ObligationId = parsed.GetValue(obligation)! }, cancellationToken: cancellationToken);
            connection.Output.Write(parsed, environment, response, () => Print(environment, response.Obligation));
        }));
        return get;
    }

    private static Command List(ConnectionOptions connection, CliEnvironment environment)
    {
        var status = new Option<string?>("--status") { Description = "OPEN, FULFILLED, OVERDUE or BREACHED" };
        var matter = new Option<string?>("--matter") { Description = "Only this matter's" };
        var department = new Option<string?>("--department") { Description = "Only this department's (SUPERVISOR / AUDITOR; a VERIFIER sees its own)" };
        var idType = new Option<string>("--applicant-id-type") { Description = "CITIZEN_ID, USCC, …", DefaultValueFactory = _ => "CITIZEN_ID" };
        var id = new Option<string?>("--applicant-id") { Description = "Only this applicant's" };
        var pageToken = new Option<string?>("--page-token") { Description = "Continue a listing" };
        var list = new Command("list", "List obligations, newest first") { status, matter, department, idType, id, pageToken };
        list.SetAction(async (parsed, cancellationToken) => await CliCall.RunAsync(connection, parsed, environment, async channel =>
        {
            var response = await new ObligationService.ObligationServiceClient(channel).ListObligationsAsync(new ListObligationsRequest
            {
                Status = parsed.GetValue(status) is { } st ? CliEnums.Parse<ObligationStatus>(st) : ObligationStatus.Unspecified,
                MatterCode = parsed.GetValue(matter) ?? string.Empty,
                DepartmentCode = parsed.GetValue(department) ?? string.Empty,
                Applicant = parsed.GetValue(id) is { } applicant ? new Holder { IdType = CliEnums.Parse<HolderIdType>(parsed.GetValue(idType)), IdNumber = applicant } : null,
                PageToken = parsed.GetValue(pageToken) ?? string.Empty,
            }, cancellationToken: cancellationToken);
            connection.Output.Write(parsed, environment, response, () =>
            {
                var table = new TextTable("OBLIGATION_ID", "STATUS", "MODE", "MATTER", "MATERIAL", "CASE", "DEADLINE", "DEPARTMENT");
                foreach (var o in response.Obligations)
                {
                    table.Add(o.ObligationId, CliEnums.Name(o.Status), CliEnums.Name(o.Mode), o.MatterCode, o.MaterialCode, o.CaseNumber, Date(o.Deadline), o.DepartmentCode);
                }

                table.WriteTo(environment.Out);
                if (response.NextPageToken.Length > 0)
                {
                    environment.Out.WriteLine($"more: --page-token {response.NextPageToken}");
                }
            });
        }));
        return list;
    }

    private static void Print(CliEnvironment environment, Obligation obligation)
    {
        environment.Out.WriteLine($"obligation_id: {obligation.ObligationId}");
        environment.Out.WriteLine($"status:        {CliEnums.Name(obligation.Status)}");
        environment.Out.WriteLine($"mode:          {CliEnums.Name(obligation.Mode)}");
        environment.Out.WriteLine($"matter:        {obligation.MatterCode}, material {obligation.MaterialCode}, case {obligation.CaseNumber}");
        environment.Out.WriteLine($"department:    {obligation.DepartmentCode}");
        environment.Out.WriteLine($"accepted:      {Date(obligation.AcceptedOn)}; proof due by {Date(obligation.Deadline)} (a license of {string.Join(" or ", obligation.AcceptedTypeCodes)})");
        if (obligation.CommitmentText.Length > 0)
        {
            environment.Out.WriteLine($"commitment:    {obligation.CommitmentText}");
        }

        environment.Out.WriteLine($"on breach:     {obligation.OnBreach}");
        if (obligation.FulfilledByLicense.Length > 0)
        {
            environment.Out.WriteLine($"fulfilled by:  {obligation.FulfilledByLicense}");
        }

        if (obligation.BreachNote.Length > 0)
        {
            environment.Out.WriteLine($"breach:        {obligation.BreachNote}");
        }
    }

    private static string Date(Google.Type.Date? date) => CliDates.Format(date);
}
