namespace Hub.Cli;

/// <summary>A command line hubctl cannot act on (e.g. an empty API key): one line on stderr, exit code 2, nothing sent.</summary>
internal sealed class CliUsageException(string message) : Exception(message)
{
    public const int ExitCode = ExitCodes.Usage;
}
