using System.CommandLine;
using Hub.Common.V1;
using Hub.Delegations.V1;

namespace Hub.Cli.Commands;

/// <summary>
/// <c>hubctl delegations grant|revoke|get|list</c>: 委托授权 from the command line, as the city portal does it (PORTAL
/// key and the holder's signed assertion, <c>--holder-assertion</c>; make one with <c>hubctl portal assert</c>).
/// </summary>
internal static class DelegationsCommand
{
    public static Command Create(ConnectionOptions connection, CliEnvironment environment)
    {
        var command = new Command("delegations", "委托授权: let a delegate use a holder's licenses for named matters or purposes (PORTAL)");
        command.Subcommands.Add(Grant(connection, environment));
        command.Subcommands.Add(Revoke(connection, environment));
        command.Subcommands.Add(Get(connection, environment));
        command.Subcommands.Add(List(connection, environment));
        return command;
    }

    private static Command Grant(ConnectionOptions connection, CliEnvironment environment)
    {
        var principalType = new Option<string>("--principal-id-type") { Description = "CITIZEN_ID, or USCC for an organisation", DefaultValueFactory = _ => "CITIZEN_ID" };
        var principal = new Option<string>("--principal-id") { Description = "The holder granting (the one the assertion names)", Required = true };
        var delegateType = new Option<string>("--delegate-id-type") { Description = "CITIZEN_ID or USCC", DefaultValueFactory = _ => "CITIZEN_ID" };
        var delegateId = new Option<string>("--delegate-id") { Description = "The delegate's identifier", Required = true };
        var delegateName = new Option<string?>("--delegate-name") { Description = "The delegate's name (shown masked in the principal's history)" };
        var licenses = new Option<string[]>("--license") { Description = "A license identifier the delegate may use (repeatable)", AllowMultipleArgumentsPerToken = true };
        var types = new Option<string[]>("--type") { Description = "A license type code the delegate may use (repeatable)", AllowMultipleArgumentsPerToken = true };
        var matters = new Option<string[]>("--matter") { Description = "A matter code it is for (repeatable)", AllowMultipleArgumentsPerToken = true };
        var purposes = new Option<string[]>("--purpose") { Description = "A purpose (用证事由) it is for (repeatable)", AllowMultipleArgumentsPerToken = true };
        var days = new Option<uint>("--days") { Description = "How long it lasts: default 30, at most 366" };
        var singleUse = new Option<bool>("--single-use") { Description = "The first use ends it" };
        var requestId = new Option<string?>("--request-id") { Description = "Idempotency key (default: a new one)" };
        var grant = new Command("grant", "Grant a delegation")
        {
            principalType, principal, delegateType, delegateId, delegateName, licenses, types, matters, purposes, days, singleUse, requestId,
        };
        grant.SetAction(async (parsed, cancellationToken) => await CliCall.RunAsync(connection, parsed, environment, async channel =>
        {
            var response = await new DelegationService.DelegationServiceClient(channel).GrantDelegationAsync(new GrantDelegationRequest
            {
                RequestId = parsed.GetValue(requestId) ?? Guid.NewGuid().ToString(),
                Principal = new Holder { IdType = CliEnums.Parse<HolderIdType>(parsed.GetValue(principalType)), IdNumber = parsed.GetValue(principal)! },
                Delegate = new Holder
                {
                    Name = parsed.GetValue(delegateName) ?? string.Empty,
                    IdType = CliEnums.Parse<HolderIdType>(parsed.GetValue(delegateType)),
                    IdNumber = parsed.GetValue(delegateId)!,
                },
                LicenseIdentifiers = { parsed.GetValue(licenses) ?? [] },
                TypeCodes = { parsed.GetValue(types) ?? [] },
                MatterCodes = { parsed.GetValue(matters) ?? [] },
                Purposes = { parsed.GetValue(purposes) ?? [] },
                ValidDays = parsed.GetValue(days),
                SingleUse = parsed.GetValue(singleUse),
            }, cancellationToken: cancellationToken);
            connection.Output.Write(parsed, environment, response, () => Print(environment, response.Delegation));
        }));
        return grant;
    }

    private static Command Revoke(ConnectionOptions connection, CliEnvironment environment)
    {
        var delegation = new Argument<string>("delegation-id") { Description = "The delegation" };
        var requestId = new Option<string?>("--request-id") { Description = "Idempotency key (default: a new one)" };
        var revoke = new Command("revoke", "End a delegation at once (the principal)") { delegation, requestId };
        revoke.SetAction(async (parsed, cancellationToken) => await CliCall.RunAsync(connection, parsed, environment, async channel =>
        {
            var response = await new DelegationService.DelegationServiceClient(channel).RevokeDelegationAsync(new RevokeDelegationRequest
            {
                RequestId = parsed.GetValue(requestId) ?? Guid.NewGuid().ToString(),
                DelegationId = parsed.GetValue(delegation)!,
            }, cancellationToken: cancellationToken);
            connection.Output.Write(parsed, environment, response, () => Print(environment, response.Delegation));
        }));
        return revoke;
    }

    private static Command Get(ConnectionOptions connection, CliEnvironment environment)
    {
        var delegation = new Argument<string>("delegation-id") { Description = "The delegation" };
        var get = new Command("get", "Show one delegation (its principal, its delegate, or an AUDITOR)") { delegation };
        get.SetAction(async (parsed, cancellationToken) => await CliCall.RunAsync(connection, parsed, environment, async channel =>
        {
            var response = await new DelegationService.DelegationServiceClient(channel).GetDelegationAsync(
                new GetDelegationRequest { DelegationId = parsed.GetValue(delegation)! }, cancellationToken: cancellationToken);
            connection.Output.Write(parsed, environment, response, () => Print(environment, response.Delegation));
        }));
        return get;
    }

    private static Command List(ConnectionOptions connection, CliEnvironment environment)
    {
        var asDelegate = new Option<bool>("--as-delegate") { Description = "The delegations the asserted holder holds (default: those they granted)" };
        var pageToken = new Option<string?>("--page-token") { Description = "Continue a listing" };
        var list = new Command("list", "List the asserted holder's delegations, newest first") { asDelegate, pageToken };
        list.SetAction(async (parsed, cancellationToken) => await CliCall.RunAsync(connection, parsed, environment, async channel =>
        {
            var response = await new DelegationService.DelegationServiceClient(channel).ListDelegationsAsync(new ListDelegationsRequest
            {
                Role = parsed.GetValue(asDelegate) ? DelegationRole.Delegate : DelegationRole.Principal,
                PageToken = parsed.GetValue(pageToken) ?? string.Empty,
            }, cancellationToken: cancellationToken);
            connection.Output.Write(parsed, environment, response, () =>
            {
                var table = new TextTable("DELEGATION_ID", "STATUS", "USES", "VALID_UNTIL", "LICENSES", "FOR");
                foreach (var d in response.Delegations)
                {
                    table.Add(d.DelegationId, CliEnums.Name(d.Status), d.Uses.ToString(System.Globalization.CultureInfo.InvariantCulture),
                        d.ValidUntil.ToDateTimeOffset().ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture),
                        string.Join(" ", d.LicenseIdentifiers.Concat(d.TypeCodes)), string.Join(" ", d.MatterCodes.Concat(d.Purposes)));
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

    private static void Print(CliEnvironment environment, Delegation delegation)
    {
        var invariant = System.Globalization.CultureInfo.InvariantCulture;
        environment.Out.WriteLine($"delegation_id: {delegation.DelegationId}");
        environment.Out.WriteLine($"status:        {CliEnums.Name(delegation.Status)}{(delegation.SingleUse ? " (single use)" : string.Empty)}, used {delegation.Uses} times");
        environment.Out.WriteLine($"principal:     {CliEnums.Name(delegation.Principal.IdType)} {delegation.Principal.IdNumber}");
        var name = delegation.Delegate.Name.Length > 0 ? delegation.Delegate.Name + " " : string.Empty;
        environment.Out.WriteLine($"delegate:      {name}{CliEnums.Name(delegation.Delegate.IdType)} {delegation.Delegate.IdNumber}");
        environment.Out.WriteLine($"licenses:      {string.Join(", ", delegation.LicenseIdentifiers.Concat(delegation.TypeCodes.Select(t => "type " + t)))}");
        environment.Out.WriteLine($"for:           {string.Join(", ", delegation.MatterCodes.Select(m => "matter " + m).Concat(delegation.Purposes))}");
        environment.Out.WriteLine($"valid until:   {delegation.ValidUntil.ToDateTimeOffset().ToString("yyyy-MM-dd HH:mm 'UTC'", invariant)}");
    }
}
