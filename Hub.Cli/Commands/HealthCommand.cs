using System.CommandLine;
using System.Text.Json;
using Grpc.Core;
using Grpc.Health.V1;

namespace Hub.Cli.Commands;

/// <summary>
/// <c>hubctl health</c>: the overall status and that of each dependency (PostgreSQL, Redis, the audit log's witnesses).
/// Exit code 0 only when the hub is SERVING; Redis and the witnesses are not needed to serve.
/// </summary>
internal static class HealthCommand
{
    public static Command Create(ConnectionOptions connection, CliEnvironment environment)
    {
        var command = new Command("health", "Show whether the hub and its dependencies are serving");
        command.SetAction(async (parsed, cancellationToken) =>
        {
            using var channel = connection.OpenChannel(parsed, environment);
            var client = new Health.HealthClient(channel);
            try
            {
                var overall = await client.CheckAsync(new HealthCheckRequest(), cancellationToken: cancellationToken);
                var statuses = new Dictionary<string, string> { ["hub"] = Name(overall.Status) };
                foreach (var dependency in (string[])["postgres", "redis", "witnesses"])
                {
                    statuses[dependency] = await DependencyStatusAsync(client, dependency, cancellationToken);
                }

                if (connection.Output.IsJson(parsed))
                {
                    environment.Out.WriteLine(JsonSerializer.Serialize(statuses, Indented));
                }
                else
                {
                    environment.Out.WriteLine($"hub: {statuses["hub"]}");
                    foreach (var (dependency, status) in statuses.Skip(1))
                    {
                        environment.Out.WriteLine($"  {dependency}: {status}");
                    }
                }

                return overall.Status == HealthCheckResponse.Types.ServingStatus.Serving ? 0 : 1;
            }
            catch (RpcException e)
            {
                return ErrorReport.Print(e, environment.Error, connection.Address(parsed));
            }
        });
        return command;
    }

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>The status as grpc.health.v1 spells it (NOT_SERVING), as grpcurl and probes show it.</summary>
    private static string Name(HealthCheckResponse.Types.ServingStatus status) => status switch
    {
        HealthCheckResponse.Types.ServingStatus.Serving => "SERVING",
        HealthCheckResponse.Types.ServingStatus.NotServing => "NOT_SERVING",
        HealthCheckResponse.Types.ServingStatus.ServiceUnknown => "SERVICE_UNKNOWN",
        _ => "UNKNOWN",
    };

    private static async Task<string> DependencyStatusAsync(Health.HealthClient client, string service, CancellationToken cancellationToken)
    {
        try
        {
            var response = await client.CheckAsync(new HealthCheckRequest { Service = service }, cancellationToken: cancellationToken);
            return Name(response.Status);
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.NotFound)
        {
            return "not configured";
        }
    }
}
