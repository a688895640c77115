using System.CommandLine;
using Grpc.Core;
using Grpc.Net.Client;

namespace Hub.Cli;

/// <summary>Runs one command's calls on a channel; a refused call is printed as people read it and gives exit code 1.</summary>
internal static class CliCall
{
    public static async Task<int> RunAsync(ConnectionOptions connection, ParseResult parsed, CliEnvironment environment, Func<GrpcChannel, Task> call)
    {
        using var channel = connection.OpenChannel(parsed, environment);
        try
        {
            await call(channel);
            return 0;
        }
        catch (RpcException e)
        {
            return ErrorReport.Print(e, environment.Error, connection.Address(parsed));
        }
    }
}
