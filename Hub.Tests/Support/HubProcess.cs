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
        : this(connectionString, settings, port, tlsPort: 0)
    {
    }

    private HubProcess(string? connectionString, IReadOnlyDictionary<string, string>? settings, int? port, int tlsPort)
    {
        ConnectionString = connectionString ?? string.Empty;
        Port = port ?? LoopbackPorts.Choose(0);
        TlsPort = tlsPort;
        _environment = new Dictionary<string, string>
        {
            ["Hub__StateDirectory"] = _stateDirectory,
            ["Hub__Bootstrap__AdminApiKey"] = HubFactory.AdminApiKey,
            ["Hub__Secrets__MasterKey"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
            ["Hub__Endpoints__GrpcPort"] = Port.ToString(CultureInfo.InvariantCulture),
            ["Hub__Endpoints__TlsPort"] = tlsPort.ToString(CultureInfo.InvariantCulture),
            ["Hub__Telemetry__MetricsPort"] = "0",
            ["Hub__Audit__CheckpointIntervalMilliseconds"] = "100",
            ["Logging__LogLevel__Default"] = "Warning",
        };
        if (connectionString is null)
        {
            // The embedded default, as `dotnet Hub.Server.dll` in an empty folder runs it: its own cluster and the
            // demo organisations, on ports no other test uses.
            _environment["Hub__Embedded__PreferredPort"] = "0";
            _environment["Hub__Demo__ProviderPort"] = "0";
        }
        else
        {
            _environment["ConnectionStrings__Hub"] = connectionString;
        }

        foreach (var (name, value) in settings ?? new Dictionary<string, string>())
        {
            _environment[name] = value;
        }
    }

    /// <summary>
    /// The hub on its embedded default (its own PostgreSQL cluster, the demo organisations and their keys in
    /// <see cref="StateDirectory"/>/demo-keys), with REST and the console on a TLS port of its own.
    /// </summary>
    public static HubProcess Embedded(IReadOnlyDictionary<string, string>? settings = null) =>
        new(null, settings, null, LoopbackPorts.Choose(0));

    public bool IsEmbedded => ConnectionString.Length == 0;

    public string ConnectionString { get; }

    /// <summary>The TLS port (REST, the console); 0 when the process listens without TLS.</summary>
    public int TlsPort { get; }

    public string TlsUrl => $"https://127.0.0.1:{TlsPort}";

    /// <summary>The hub's state folder (Hub:StateDirectory): on the embedded default, demo-keys/, tls/ and the cluster's record.</summary>
    public string StateDirectory => _stateDirectory;

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

    public async ValueTask DisposeAsync()
    {
        if (IsEmbedded)
        {
            await StopEmbeddedAsync();
        }

        Kill();
        if (Directory.Exists(_stateDirectory))
        {
            Directory.Delete(_stateDirectory, recursive: true);
        }
    }

    /// <summary>The embedded default's connection string to its own cluster (as its state folder records it), for a test that plays the insider.</summary>
    public string EmbeddedConnectionString()
    {
        using var record = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(_stateDirectory, "postgres.json")));
        return new Npgsql.NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = record.RootElement.GetProperty(nameof(Port)).GetInt32(), // the record names it "Port" too
            Username = "postgres",
            Password = File.ReadAllText(Path.Combine(_stateDirectory, "postgres-password")).Trim(),
            Database = "hub",
            Pooling = false,
        }.ConnectionString;
    }

    // SIGTERM, so the hub stops its cluster as it does for an operator; then the cluster's folder (outside the state
    // folder when running as root) goes too.
    private async Task StopEmbeddedAsync()
    {
        if (_process is { HasExited: false } process)
        {
            using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync();
            }

            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await process.WaitForExitAsync(timeout.Token);
        }

        var record = Path.Combine(_stateDirectory, "postgres.json");
        if (File.Exists(record))
        {
            using var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(record));
            var root = json.RootElement.GetProperty("ClusterRoot").GetString()!;
            if (Directory.Exists(root))
            {
                Directory.Delete(root, recursive: true);
            }
        }
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
