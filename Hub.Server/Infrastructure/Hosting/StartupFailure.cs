using Microsoft.Extensions.Options;

namespace Hub.Server.Infrastructure.Hosting;

/// <summary>
/// Start-up failures an operator causes and fixes — a setting that is not valid or cannot be read, a port already in
/// use — told in one line that names the setting. Anything else is a defect and keeps its stack trace.
/// </summary>
public static class StartupFailure
{
    /// <summary>The exit code of a start-up refused for its configuration (sysexits' EX_CONFIG).</summary>
    public const int ExitCode = 78;

    /// <summary>
    /// Reports an operator's start-up failure that reaches the top of the process in one line on stderr and exits with
    /// <see cref="ExitCode"/>, before the runtime would print its stack trace; any other failure is left as it is.
    /// </summary>
    public static void ReportInOneLine() =>
        AppDomain.CurrentDomain.UnhandledException += (_, e) =>
        {
            if (e.ExceptionObject is Exception exception && Describe(exception) is { } problem)
            {
                Console.Error.WriteLine($"hub: cannot start: {problem}");
                Environment.Exit(ExitCode);
            }
        };

    public static string? Describe(Exception exception) => exception switch
    {
        AggregateException aggregate when aggregate.InnerExceptions.Select(Describe).ToList() is var each && each.All(d => d is not null) =>
            string.Join(" ", each),
        OptionsValidationException invalid => string.Join(" ", invalid.Failures.Select(f => Named(invalid.OptionsType, f))),
        InvalidOperationException { Message: var message } when message.StartsWith("Failed to convert configuration value", StringComparison.Ordinal) =>
            message.TrimEnd('.') + " (a whole number is expected)." is var text && message.Contains("System.Int32", StringComparison.Ordinal) ? text : message,
        IOException { Message: var message } when message.StartsWith("Failed to bind to address", StringComparison.Ordinal) =>
            message + " Stop what holds the port or choose another (Hub:Endpoints:GrpcPort, Hub:Endpoints:TlsPort).",
        _ => null,
    };
    /// <summary>
    /// "GrpcPort: The field EndpointOptions.GrpcPort must be …" as the operator writes the setting:
    /// "Hub:Endpoints:GrpcPort must be …" (every options type names its section in a SectionName constant).
    /// </summary>
    private static string Named(Type optionsType, string failure)
    {
        var section = optionsType.GetField("SectionName")?.GetValue(null) as string;
        var colon = failure.IndexOf(": ", StringComparison.Ordinal);
        if (section is null || colon < 0)
        {
            return failure;
        }

        var property = failure[..colon];
        var message = failure[(colon + 2)..].Replace($"The field {optionsType.Name}.{property} ", string.Empty, StringComparison.Ordinal);
        return (message.StartsWith("Hub:", StringComparison.Ordinal) ? message : $"{section}:{property} {message}").TrimEnd('.') + ".";
    }
}
