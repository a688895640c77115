using System.CommandLine;
using Hub.Cli.Commands;

namespace Hub.Cli;

/// <summary>The <c>hubctl</c> command tree.</summary>
internal static class HubCtl
{
    /// <summary>What a shell reports for a command stopped by Ctrl+C (128 + SIGINT).</summary>
    public const int CancelledExitCode = 130;

    public static async Task<int> RunAsync(string[] args, CliEnvironment environment)
    {
        var connection = new ConnectionOptions();
        var root = new RootCommand("hubctl: administer and query the Hub (e-license and data-sharing exchange).");
        connection.AddTo(root);
        root.Subcommands.Add(HealthCommand.Create(connection, environment));
        root.Subcommands.Add(CallersCommand.Create(connection, environment));
        root.Subcommands.Add(LicensesCommand.Create(connection, environment));
        root.Subcommands.Add(KeysCommand.Create(connection, environment));
        root.Subcommands.Add(AuditCommand.Create(connection, environment));
        root.Subcommands.Add(AuditCommand.Receipts(connection, environment));
        root.Subcommands.Add(ExemptionCommand.Create(connection, environment));
        root.Subcommands.Add(ExchangeCommand.Resources(connection, environment));
        root.Subcommands.Add(ExchangeCommand.Grants(connection, environment));
        root.Subcommands.Add(ExchangeCommand.Query(connection, environment));
        root.Subcommands.Add(EventsCommand.Events(connection, environment));
        root.Subcommands.Add(EventsCommand.Webhooks(connection, environment));
        root.Subcommands.Add(PortalCommand.Create(environment));
        root.Subcommands.Add(Witness.WitnessCommand.Create(environment));
        var parsed = root.Parse(args);
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
}
