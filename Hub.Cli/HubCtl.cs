using System.CommandLine;
using Hub.Cli.Commands;

namespace Hub.Cli;

/// <summary>The <c>hubctl</c> command tree.</summary>
internal static class HubCtl
{
    /// <summary>What a shell reports for a command stopped by Ctrl+C (128 + SIGINT).</summary>
    public const int CancelledExitCode = ExitCodes.Cancelled;

    public static async Task<int> RunAsync(string[] args, CliEnvironment environment)
    {
        var connection = new ConnectionOptions();
        var root = new RootCommand("hubctl: administer and query the Hub (e-license and data-sharing exchange).\n\n" + ExitCodes.Help);
        connection.AddTo(root);
        root.Subcommands.Add(HealthCommand.Create(connection, environment));
        root.Subcommands.Add(CallersCommand.Create(connection, environment));
        root.Subcommands.Add(LicensesCommand.Create(connection, environment));
        root.Subcommands.Add(KeysCommand.Create(connection, environment));
        root.Subcommands.Add(CatalogueCommand.Types(connection, environment));
        root.Subcommands.Add(CatalogueCommand.Matters(connection, environment));
        root.Subcommands.Add(AuditCommand.Create(connection, environment));
        root.Subcommands.Add(AuditCommand.Receipts(connection, environment));
        root.Subcommands.Add(ExemptionCommand.Create(connection, environment));
        root.Subcommands.Add(ObligationsCommand.Create(connection, environment));
        root.Subcommands.Add(DelegationsCommand.Create(connection, environment));
        root.Subcommands.Add(ExchangeCommand.Resources(connection, environment));
        root.Subcommands.Add(ExchangeCommand.Grants(connection, environment));
        root.Subcommands.Add(ExchangeCommand.Query(connection, environment));
        root.Subcommands.Add(EventsCommand.Events(connection, environment));
        root.Subcommands.Add(EventsCommand.Webhooks(connection, environment));
        root.Subcommands.Add(PortalCommand.Create(environment));
        root.Subcommands.Add(Witness.WitnessCommand.Create(environment));
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            // System.CommandLine would answer 1, which hubctl keeps for the hub's refusals: a bad command line is 2.
            foreach (var error in parsed.Errors)
            {
                environment.Error.WriteLine($"error: {error.Message}");
            }

            environment.Error.WriteLine($"Run '{string.Join(' ', ["hubctl", .. CommandPath(parsed.CommandResult)])} --help' for what it takes.");
            return ExitCodes.Usage;
        }

        try
        {
            return await parsed.InvokeAsync(new InvocationConfiguration { Output = environment.Out, Error = environment.Error, EnableDefaultExceptionHandler = false });
        }
        catch (CliUsageException e)
        {
            environment.Error.WriteLine($"error: {e.Message}");
            return CliUsageException.ExitCode;
        }
        catch (OperationCanceledException)
        {
            environment.Error.WriteLine("cancelled");
            return CancelledExitCode;
        }
    }

    private static Stack<string> CommandPath(System.CommandLine.Parsing.CommandResult? result)
    {
        var names = new Stack<string>();
        for (var r = result; r?.Parent is System.CommandLine.Parsing.CommandResult parent; r = parent)
        {
            names.Push(r.Command.Name);
        }

        return names;
    }
}
