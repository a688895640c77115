using System.CommandLine;
using Hub.Catalogue.V1;
using Hub.Common.V1;
using Hub.Exchange.V1;

namespace Hub.Cli.Commands;

/// <summary>
/// The data-sharing side from the command line: <c>hubctl resources add|list</c> (CATALOGUE),
/// <c>hubctl grants request|decide|revoke|list</c> (CONSUMER / PROVIDER / CATALOGUE) and <c>hubctl query</c> (CONSUMER).
/// </summary>
internal static class ExchangeCommand
{
    public static Command Resources(ConnectionOptions connection, CliEnvironment environment)
    {
        var file = new Option<FileInfo>("--file") { Description = "The resource as JSON or YAML (see docs/examples/data-resource.json)", Required = true };
        var add = new Command("add", "Register a shared data resource (idempotent on its code)") { file };
        add.SetAction(async (parsed, cancellationToken) =>
        {
            var request = await RequestFile.ReadAsync<RegisterDataResourceRequest>(parsed.GetValue(file)!, cancellationToken);
            return await CliCall.RunAsync(connection, parsed, environment, async channel =>
            {
                var response = await new CatalogueService.CatalogueServiceClient(channel).RegisterDataResourceAsync(request, cancellationToken: cancellationToken);
                connection.Output.Write(parsed, environment, response, () =>
                {
                    environment.Out.WriteLine(response.Created ? $"registered: {response.DataResource.ResourceCode}" : $"already registered (same content): {response.DataResource.ResourceCode}");
                    Print(environment, response.DataResource);
                });
            });
        });

        var name = new Option<string?>("--name") { Description = "Only resources whose name contains this" };
        var provider = new Option<string?>("--provider") { Description = "Only this provider's resources (统一社会信用代码)" };
        var level = new Option<string?>("--level") { Description = "Only resources whose most sensitive field is at this level (L1-L4)" };
        var sharing = new Option<string?>("--sharing") { Description = "UNCONDITIONAL, CONDITIONAL or NOT_SHARED" };
        var pageToken = new Option<string?>("--page-token") { Description = "Continue a listing" };
        var list = new Command("list", "Find shared data resources") { name, provider, level, sharing, pageToken };
        list.SetAction(async (parsed, cancellationToken) => await CliCall.RunAsync(connection, parsed, environment, async channel =>
        {
            var response = await new CatalogueService.CatalogueServiceClient(channel).ListDataResourcesAsync(new ListDataResourcesRequest
            {
                Name = parsed.GetValue(name) ?? string.Empty,
                ProviderOrgCode = parsed.GetValue(provider) ?? string.Empty,
                Level = parsed.GetValue(level) is { } l ? CliEnums.Parse<DataLevel>(l) : DataLevel.Unspecified,
                SharingType = parsed.GetValue(sharing) is { } s ? CliEnums.Parse<SharingType>(s) : SharingType.Unspecified,
                PageToken = parsed.GetValue(pageToken) ?? string.Empty,
            }, cancellationToken: cancellationToken);
            connection.Output.Write(parsed, environment, response, () =>
            {
                var table = new TextTable("RESOURCE", "NAME", "SHARING", "MAX_LEVEL", "PROVIDER");
                foreach (var resource in response.DataResources)
                {
                    table.Add(resource.ResourceCode, resource.Name, CliEnums.Name(resource.SharingType), CliEnums.Level(resource.MaxLevel), resource.ProviderOrgCode);
                }

                table.WriteTo(environment.Out);
                if (response.NextPageToken.Length > 0)
                {
                    environment.Out.WriteLine($"more: --page-token {response.NextPageToken}");
                }
            });
        }));

        var command = new Command("resources", "Shared data resources (共享数据资源目录)");
        command.Subcommands.Add(add);
        command.Subcommands.Add(list);
        return command;
    }

    public static Command Grants(ConnectionOptions connection, CliEnvironment environment)
    {
        var command = new Command("grants", "Grants on shared data (供需对接)");
        command.Subcommands.Add(Request(connection, environment));
        command.Subcommands.Add(Decide(connection, environment));
        command.Subcommands.Add(Revoke(connection, environment));
        command.Subcommands.Add(List(connection, environment));
        return command;
    }

    public static Command Query(ConnectionOptions connection, CliEnvironment environment)
    {
        var resource = new Option<string>("--resource") { Description = "Resource code", Required = true };
        var key = new Option<string>("--key") { Description = "The lookup key (a holder identifier of the resource's key kind)", Required = true };
        var fields = new Option<string[]>("--field") { Description = "A field wanted; repeat (default: every field the grant names)", AllowMultipleArgumentsPerToken = true };
        var purpose = new Option<string>("--purpose") { Description = "Why this query (用途)", Required = true };
        var caseNumber = new Option<string?>("--case-number") { Description = "The department's case number (办件编号)" };
        var matter = new Option<string?>("--matter") { Description = "Matter code (政务服务事项)" };
        var command = new Command("query", "Query a record of a shared data resource through the hub (CONSUMER key)") { resource, key, fields, purpose, caseNumber, matter };
        command.SetAction(async (parsed, cancellationToken) => await CliCall.RunAsync(connection, parsed, environment, async channel =>
        {
            var response = await new DataExchangeService.DataExchangeServiceClient(channel).QueryAsync(new QueryRequest
            {
                RequestId = Guid.NewGuid().ToString(),
                ResourceCode = parsed.GetValue(resource)!,
                Key = parsed.GetValue(key)!,
                Fields = { parsed.GetValue(fields) ?? [] },
                Purpose = parsed.GetValue(purpose)!,
                CaseNumber = parsed.GetValue(caseNumber) ?? string.Empty,
                MatterCode = parsed.GetValue(matter) ?? string.Empty,
            }, cancellationToken: cancellationToken);
            connection.Output.Write(parsed, environment, response, () =>
            {
                foreach (var decision in response.Disclosure)
                {
                    var value = response.Record.TryGetValue(decision.Field, out var v) ? v : "—";
                    environment.Out.WriteLine($"  {decision.Field}: {value}  [{CliEnums.Name(decision.Decision)} by {decision.Rule}]");
                }

                environment.Out.WriteLine($"grant: {response.GrantId}");
                environment.Out.WriteLine($"receipt: log index {response.Receipt.LogIndex}");
            });
        }));
        return command;
    }

    private static Command Request(ConnectionOptions connection, CliEnvironment environment)
    {
        var resource = new Option<string>("--resource") { Description = "Resource code", Required = true };
        var fields = new Option<string[]>("--field") { Description = "A field needed; repeat for each", Required = true, AllowMultipleArgumentsPerToken = true };
        var purpose = new Option<string>("--purpose") { Description = "What the data is for (使用用途)", Required = true };
        var matters = new Option<string[]>("--matter") { Description = "A matter code the data serves; repeat", AllowMultipleArgumentsPerToken = true };
        var days = new Option<int>("--days") { Description = "How long the grant should last once approved (default 365)" };
        var requestId = new Option<string?>("--request-id") { Description = "Idempotency key (default: a new one)" };
        var command = new Command("request", "Ask for a grant (CONSUMER key): unconditional resources are granted at once") { resource, fields, purpose, matters, days, requestId };
        command.SetAction(async (parsed, cancellationToken) => await CliCall.RunAsync(connection, parsed, environment, async channel =>
        {
            var response = await new DataExchangeService.DataExchangeServiceClient(channel).RequestGrantAsync(new RequestGrantRequest
            {
                RequestId = parsed.GetValue(requestId) ?? Guid.NewGuid().ToString(),
                ResourceCode = parsed.GetValue(resource)!,
                Fields = { parsed.GetValue(fields) ?? [] },
                Purpose = parsed.GetValue(purpose)!,
                MatterCodes = { parsed.GetValue(matters) ?? [] },
                RequestedDays = parsed.GetValue(days),
            }, cancellationToken: cancellationToken);
            connection.Output.Write(parsed, environment, response, () => Print(environment, response.Grant));
        }));
        return command;
    }

    private static Command Decide(ConnectionOptions connection, CliEnvironment environment)
    {
        var grantId = new Argument<string>("grant-id") { Description = "The grant to decide" };
        var approve = new Option<bool>("--approve") { Description = "Approve the grant" };
        var reject = new Option<bool>("--reject") { Description = "Refuse the grant (give --reason)" };
        var reason = new Option<string?>("--reason") { Description = "Why (required to refuse)" };
        var command = new Command("decide", "Approve or refuse a pending grant (PROVIDER key of the resource's provider)") { grantId, approve, reject, reason };
        command.SetAction(async (parsed, cancellationToken) =>
        {
            if (parsed.GetValue(approve) == parsed.GetValue(reject))
            {
                environment.Error.WriteLine("error: give exactly one of --approve or --reject");
                return 2;
            }

            return await CliCall.RunAsync(connection, parsed, environment, async channel =>
            {
                var response = await new DataExchangeService.DataExchangeServiceClient(channel).DecideGrantAsync(new DecideGrantRequest
                {
                    RequestId = Guid.NewGuid().ToString(),
                    GrantId = parsed.GetValue(grantId)!,
                    Approve = parsed.GetValue(approve),
                    Reason = parsed.GetValue(reason) ?? string.Empty,
                }, cancellationToken: cancellationToken);
                connection.Output.Write(parsed, environment, response, () => Print(environment, response.Grant));
            });
        });
        return command;
    }

    private static Command Revoke(ConnectionOptions connection, CliEnvironment environment)
    {
        var grantId = new Argument<string>("grant-id") { Description = "The grant to revoke" };
        var reason = new Option<string>("--reason") { Description = "Why", Required = true };
        var command = new Command("revoke", "Revoke (or withdraw) a grant: the consumer, the provider or the platform team") { grantId, reason };
        command.SetAction(async (parsed, cancellationToken) => await CliCall.RunAsync(connection, parsed, environment, async channel =>
        {
            var response = await new DataExchangeService.DataExchangeServiceClient(channel).RevokeGrantAsync(new RevokeGrantRequest
            {
                RequestId = Guid.NewGuid().ToString(),
                GrantId = parsed.GetValue(grantId)!,
                Reason = parsed.GetValue(reason)!,
            }, cancellationToken: cancellationToken);
            connection.Output.Write(parsed, environment, response, () => Print(environment, response.Grant));
        }));
        return command;
    }

    private static Command List(ConnectionOptions connection, CliEnvironment environment)
    {
        var scope = new Option<string?>("--scope") { Description = "CONSUMER, PROVIDER or ALL (default from the key's roles)" };
        var status = new Option<string?>("--status") { Description = "PENDING, APPROVED, REJECTED, OVERDUE, EXPIRED or REVOKED" };
        var resource = new Option<string?>("--resource") { Description = "Only grants on this resource" };
        var pageToken = new Option<string?>("--page-token") { Description = "Continue a listing" };
        var command = new Command("list", "List grants: a consumer's own, a provider's resources', or all (CATALOGUE)") { scope, status, resource, pageToken };
        command.SetAction(async (parsed, cancellationToken) => await CliCall.RunAsync(connection, parsed, environment, async channel =>
        {
            var response = await new DataExchangeService.DataExchangeServiceClient(channel).ListGrantsAsync(new ListGrantsRequest
            {
                Scope = parsed.GetValue(scope) is { } sc ? CliEnums.Parse<GrantScope>(sc) : GrantScope.Unspecified,
                Status = parsed.GetValue(status) is { } st ? CliEnums.Parse<GrantStatus>(st) : GrantStatus.Unspecified,
                ResourceCode = parsed.GetValue(resource) ?? string.Empty,
                PageToken = parsed.GetValue(pageToken) ?? string.Empty,
            }, cancellationToken: cancellationToken);
            connection.Output.Write(parsed, environment, response, () =>
            {
                var table = new TextTable("GRANT_ID", "STATUS", "RESOURCE", "CONSUMER", "DUE", "EXPIRES", "FIELDS") { MaxCellWidth = 60 };
                foreach (var grant in response.Grants)
                {
                    table.Add(grant.GrantId, CliEnums.Name(grant.Status), grant.ResourceCode, grant.ConsumerOrgCode, grant.DueOn is { } due ? Date(due) : string.Empty, grant.ExpiresOn is { } expires ? Date(expires) : string.Empty, string.Join(',', grant.Fields));
                }

                table.WriteTo(environment.Out);
                if (response.NextPageToken.Length > 0)
                {
                    environment.Out.WriteLine($"more: --page-token {response.NextPageToken}");
                }
            });
        }));
        return command;
    }

    private static void Print(CliEnvironment environment, Grant grant)
    {
        environment.Out.WriteLine($"grant_id:  {grant.GrantId}");
        environment.Out.WriteLine($"status:    {CliEnums.Name(grant.Status)}");
        environment.Out.WriteLine($"resource:  {grant.ResourceCode} {grant.ResourceName}");
        environment.Out.WriteLine($"fields:    {string.Join(", ", grant.Fields)}");
        environment.Out.WriteLine($"dates:     {Dates(grant)}");
        if (grant.DecisionReason.Length > 0)
        {
            environment.Out.WriteLine($"decision:  {grant.DecisionReason}");
        }

        if (grant.RevokeReason.Length > 0)
        {
            environment.Out.WriteLine($"revoked:   {grant.RevokeReason}");
        }
    }

    private static void Print(CliEnvironment environment, DataResource resource)
    {
        environment.Out.WriteLine($"  {resource.Name} — {CliEnums.Name(resource.SharingType)}, key {CliEnums.Name(resource.KeyKind)}, provider {resource.ProviderOrgCode} at {resource.ProviderEndpoint}");
        foreach (var field in resource.Fields)
        {
            environment.Out.WriteLine($"  {field.Name,-20} {CliEnums.Level(field.Level)}  {CliEnums.Name(field.Mask),-9}  {field.Label}");
        }
    }

    private static string Dates(Grant grant) =>
        string.Join(" ", new[] { grant.DueOn is { } due ? $"due {Date(due)}" : null, grant.ExpiresOn is { } expires ? $"expires {Date(expires)}" : null }.OfType<string>());

    private static string Date(Google.Type.Date? date) => CliDates.Format(date);
}
