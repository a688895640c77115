using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Hub.Admin.V1;
using Hub.Common.V1;
using Hub.Server.Infrastructure.Embedded;

namespace Hub.Tests.Support;

/// <summary>
/// The hub as its own operating-system process (<c>dotnet Hub.Server.dll</c>, as built next to this test assembly's
/// configuration) on a database of the test cluster, listening on a free loopback port: what a test needs that kills
/// the hub with SIGKILL and starts it again on the same database.
/// </summary>
public sealed class HubProcess : IAsyncDisposable
{
    private readonly string _stateDirectory = Directory.CreateTempSubdirectory("hub-process-state-").FullName;
    private readonly Dictionary<string, string> _environment;
    private readonly ConcurrentQueue<string> _lastLines = new();
    private Process? _process;

    /// <param name="connectionString">The database the hub uses.</param>
    /// <param name="settings">Extra settings as environment variables (<c>Hub__Telemetry__MetricsPort</c>), over the defaults.</param>
    /// <param name="port">The gRPC port (the address clients know, e.g. for a hub brought back on a restored database); a free one if not given.</param>
    public HubProcess(string connectionString, IReadOnlyDictionary<string, string>? settings = null, int? port = null)
    {
        ConnectionString = connectionString;
        Port = port ?? LoopbackPorts.Choose(0);
        _environment = new Dictionary<string, string>
        {
            ["ConnectionStrings__Hub"] = connectionString,
            ["Hub__StateDirectory"] = _stateDirectory,
            ["Hub__Bootstrap__AdminApiKey"] = HubFactory.AdminApiKey,
            ["Hub__Secrets__MasterKey"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
            ["Hub__Endpoints__GrpcPort"] = Port.ToString(CultureInfo.InvariantCulture),
            ["Hub__Endpoints__TlsPort"] = "0",
            ["Hub__Telemetry__MetricsPort"] = "0",
            ["Hub__Audit__CheckpointIntervalMilliseconds"] = "100",
            ["Logging__LogLevel__Default"] = "Warning",
        };
        foreach (var (name, value) in settings ?? new Dictionary<string, string>())
        {
            _environment[name] = value;
        }

    }

    public string ConnectionString { get; }

    public int Port { get; }

    public string Url => $"http://127.0.0.1:{Port}";

    /// <summary>The last lines the process wrote (its warnings and errors), for a failing test's message.</summary>
    public string RecentOutput => string.Join('\n', _lastLines);

    /// <summary>The repository's root, found from this test assembly's folder.</summary>
    public static string RepositoryRoot
    {
        get
        {
            var folder = new DirectoryInfo(AppContext.BaseDirectory);
            while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "Hub.sln")))
            {
                folder = folder.Parent;
            }

            return folder?.FullName ?? throw new InvalidOperationException("Hub.sln not found above " + AppContext.BaseDirectory);
        }
    }

    /// <summary>A project's built assembly in the same configuration as the tests (e.g. Hub.Server/bin/Release/net10.0/Hub.Server.dll).</summary>
    public static string BuiltAssembly(string project, string assembly)
    {
        var configuration = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name;
        var path = Path.Combine(RepositoryRoot, project, "bin", configuration, "net10.0", assembly);
        return File.Exists(path) ? path : throw new InvalidOperationException($"{path} is not built: run scripts/test.sh (it builds the solution).");
    }

    /// <summary>Starts the process and waits until its health check answers SERVING.</summary>
    public async Task StartAsync()
    {
        var info = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(BuiltAssembly("Hub.Server", "Hub.Server.dll"));
        foreach (var (name, value) in _environment)
        {
            info.Environment[name] = value;
        }

        _process = Process.Start(info)!;
        _process.OutputDataReceived += (_, e) => Remember(e.Data);
        _process.ErrorDataReceived += (_, e) => Remember(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        using var channel = GrpcChannel.ForAddress(Url);
        var health = new Health.HealthClient(channel);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"the hub process exited with {_process.ExitCode} while starting:\n{string.Join('\n', _lastLines)}");
            }

            try
            {
                if ((await health.CheckAsync(new HealthCheckRequest(), deadline: DateTime.UtcNow.AddSeconds(2))).Status == HealthCheckResponse.Types.ServingStatus.Serving)
                {
                    return;
                }
            }
            catch (Grpc.Core.RpcException) when (DateTime.UtcNow < deadline)
            {
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("the hub process did not become SERVING within 60 s");
            }

            await Task.Delay(200);
        }
    }

    /// <summary>SIGKILL: no shutdown code runs, in-flight requests and unflushed work are lost as in a crash.</summary>
    public void Kill()
    {
        _process?.Kill(entireProcessTree: true);
        _process?.WaitForExit();
        _process?.Dispose();
        _process = null;
    }

    /// <summary>Registers a calling system through the process's AdminService with the bootstrap ADMIN key; returns its API key.</summary>
    public async Task<string> RegisterCallerAsync(string org, string orgName, string system, DataLevel clearance, Role role)
    {
        using var adminChannel = Channel(HubFactory.AdminApiKey);
        return (await new AdminService.AdminServiceClient(adminChannel).RegisterCallerAsync(new RegisterCallerRequest
        {
            OrgCode = org,
            OrgName = orgName,
            SystemName = system,
            Roles = { role },
            Clearance = clearance,
        })).ApiKey;
    }

    /// <summary>A channel whose calls carry the key and, when given, further headers (a portal's holder assertion).</summary>
    public GrpcChannel Channel(string apiKey, IReadOnlyDictionary<string, string>? headers = null) => ChannelTo(Url, apiKey, headers);

    /// <summary>The same channel to another address (a load balancer in front of several hub processes).</summary>
    public static GrpcChannel ChannelTo(string url, string apiKey, IReadOnlyDictionary<string, string>? headers = null) => GrpcChannel.ForAddress(url, new GrpcChannelOptions
    {
        Credentials = Grpc.Core.ChannelCredentials.Create(
            Grpc.Core.ChannelCredentials.Insecure,
            Grpc.Core.CallCredentials.FromInterceptor((_, metadata) =>
            {
                metadata.Add("authorization", "Bearer " + apiKey);
                foreach (var (name, value) in headers ?? new Dictionary<string, string>())
                {
                    metadata.Add(name, value);
                }

                return Task.CompletedTask;
            })),
        UnsafeUseInsecureChannelCallCredentials = true,
    });

    public ValueTask DisposeAsync()
    {
        Kill();
        if (Directory.Exists(_stateDirectory))
        {
            Directory.Delete(_stateDirectory, recursive: true);
        }

        return ValueTask.CompletedTask;
    }

    // The last lines the process wrote, for the message when it fails to start.
    private void Remember(string? line)
    {
        if (line is null)
        {
            return;
        }

        _lastLines.Enqueue(line);
        while (_lastLines.Count > 40)
        {
            _lastLines.TryDequeue(out _);
        }
    }
}
