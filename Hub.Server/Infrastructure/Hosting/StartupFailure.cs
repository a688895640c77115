using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace Hub.Server.Infrastructure.Hosting;

/// <summary>
/// Start-up failures an operator causes and fixes — a setting that is not valid or cannot be read, a port already in
/// use — told in one line that names the setting, the value given and what is allowed. Anything else is a defect and
/// keeps its stack trace.
/// </summary>
public static partial class StartupFailure
{
    /// <summary>The exit code of a start-up refused for its configuration or a busy port (as for a bad command line).</summary>
    public const int ExitCode = 2;

    private static IConfiguration? _configuration;

    /// <summary>
    /// Reports an operator's start-up failure that reaches the top of the process in one line on stderr and exits with
    /// <see cref="ExitCode"/>, before the runtime would print its stack trace; any other failure is left as it is.
    /// The configuration lets the line quote the value the operator gave.
    /// </summary>
    public static void ReportInOneLine(IConfiguration configuration)
    {
        _configuration = configuration;
        AppDomain.CurrentDomain.UnhandledException += (_, e) =>
        {
            if (e.ExceptionObject is Exception exception && Describe(exception) is { } problem)
            {
                Stop(problem);
            }
        };
    }

    /// <summary>
    /// Before anything is provisioned (initdb, migrations, keys): each port the hub will listen on must be free, or
    /// start-up stops in one line naming the port and its setting. Kestrel would find out too, but only after all that.
    /// The TLS port counts only when the hub will listen on it: with a certificate, or on the embedded default.
    /// </summary>
    public static void RequireFreePorts(EndpointOptions endpoints, Telemetry.TelemetryOptions telemetry, bool embedded)
    {
        var tlsPort = endpoints.HasConfiguredCertificate || embedded ? endpoints.TlsPort : 0;
        if (telemetry.MetricsPort != 0 && (telemetry.MetricsPort == endpoints.GrpcPort || telemetry.MetricsPort == endpoints.TlsPort))
        {
            Stop($"Hub:Telemetry:MetricsPort {telemetry.MetricsPort} is also a port of Hub:Endpoints; the metrics need a port of their own (0 turns them off).");
        }

        foreach (var (setting, address, port) in new[]
                 {
                     ("Hub:Endpoints:GrpcPort", endpoints.GrpcAddress, endpoints.GrpcPort),
                     ("Hub:Endpoints:TlsPort", endpoints.Address, tlsPort),
                     ("Hub:Telemetry:MetricsPort", telemetry.MetricsAddress, telemetry.MetricsPort),
                 })
        {
            if (port == 0)
            {
                continue;
            }

            try
            {
                using var probe = new Socket(SocketType.Stream, ProtocolType.Tcp);
                probe.Bind(new IPEndPoint(IPAddress.Parse(address), port));
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse)
            {
                Stop($"{setting} {port} is already in use on {address}. Stop what holds the port or choose another ({setting}=<port>, 0 turns it off).");
            }
        }
    }

    private static void Stop(string problem)
    {
        Console.Error.WriteLine($"hub: cannot start: {problem}");
        Environment.Exit(ExitCode);
    }

    public static string? Describe(Exception exception) => exception switch
    {
        AggregateException aggregate when aggregate.InnerExceptions.Select(Describe).ToList() is var each && each.All(d => d is not null) =>
            string.Join(" ", each),
        OptionsValidationException invalid => string.Join(" ", invalid.Failures.Select(f => Named(invalid.OptionsType, f))),
        InvalidOperationException { Message: var message } when ConversionFailure().Match(message) is { Success: true } m =>
            $"{m.Groups["setting"].Value} '{m.Groups["value"].Value}' is not {Expected(m.Groups["type"].Value)}.",
        IOException { Message: var message } when message.StartsWith("Failed to bind to address", StringComparison.Ordinal) =>
            message + " Stop what holds the port or choose another (Hub:Endpoints:GrpcPort, Hub:Endpoints:TlsPort).",
        _ => null,
    };

    /// <summary>What the configuration binder wanted, in the operator's words rather than a .NET type name.</summary>
    private static string Expected(string type) => type switch
    {
        "System.Int32" or "System.Int64" or "System.Int16" => "a whole number",
        "System.Double" or "System.Decimal" or "System.Single" => "a number",
        "System.Boolean" => "true or false",
        "System.TimeSpan" => "a duration (hh:mm:ss)",
        "System.DateOnly" => "a date (YYYY-MM-DD)",
        "System.Uri" => "an absolute URL",
        _ when AppDomain.CurrentDomain.GetAssemblies().Select(a => a.GetType(type)).FirstOrDefault(t => t is not null) is { IsEnum: true } e =>
            "one of " + string.Join(", ", Enum.GetNames(e)),
        _ => "a valid value",
    };

    [GeneratedRegex("^Failed to convert configuration value '(?<value>.*)' at '(?<setting>[^']+)' to type '(?<type>[^']+)'", RegexOptions.Singleline)]
    private static partial Regex ConversionFailure();

    /// <summary>
    /// "GrpcPort: The field EndpointOptions.GrpcPort must be …" as the operator writes the setting, with the value
    /// given: "Hub:Endpoints:GrpcPort must be … (given: 70000)." (every options type names its section in a
    /// SectionName constant).
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
        var message = failure[(colon + 2)..].Replace($"The field {optionsType.Name}.{property} ", string.Empty, StringComparison.Ordinal).TrimEnd('.');
        if (message.StartsWith("Hub:", StringComparison.Ordinal))
        {
            return message + ".";
        }

        var setting = $"{section}:{property}";
        return _configuration?[setting] is { } given
            ? $"{setting} {message} (given: {given})."
            : $"{setting} {message}.";
    }
}
