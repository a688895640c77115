using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Hub.Common.V1;
using Hub.Exchange.V1;
using Hub.Exemption.V1;
using Hub.Licenses.V1;
using Hub.Verification.V1;

namespace Hub.Benchmarks.Load;

/// <summary>
/// The end-to-end load harness: each scenario drives real gRPC calls at a fixed number in flight for a fixed time and
/// reports requests/s, latency percentiles, errors, and its ratio to <c>keys</c> (GetSigningKeys: a keyless read from
/// memory, the transport baseline) measured in the same run.
/// </summary>
internal static class LoadHarness
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };

    public static async Task<int> RunAsync(string[] args, TextWriter output)
    {
        var options = LoadOptions.Parse(args);
        if (options.Scenario == LoadOptions.AuditAppend)
        {
            var seconds = options.DurationSeconds.ToString(CultureInfo.InvariantCulture);
            var inFlight = options.Concurrency.ToString(CultureInfo.InvariantCulture);
            return (await AuditAppendLoad.MeasureAsync(["--seconds", seconds, "--concurrency", inFlight, .. args], output)).Checkpoints > 0 ? 0 : 1;
        }

        if (options.SplitCpus && !CpuSplit.HarnessPinned)
        {
            return await CpuSplit.RerunPinnedAsync(args, options.Json ? TextWriter.Null : output);
        }

        var results = new List<ScenarioResult>();
        foreach (var engine in options.Engines)
        {
            // One hub per engine, each with its own baseline, in this one run.
            var run = options with { Engine = engine };
            await using var hub = await HubUnderLoad.StartAsync(run, options.Json ? TextWriter.Null : output);
            results.AddRange((await RunScenariosAsync(hub, run)).Select(r => r with { Engine = engine }));
        }

        if (options.Json)
        {
            await output.WriteLineAsync(JsonSerializer.Serialize(results, Indented));
        }
        else
        {
            await output.WriteLineAsync("| engine | scenario | in flight | requests/s | vs keys | p50 ms | p90 ms | p99 ms | max ms | errors | hub B/call |");
            await output.WriteLineAsync("|---|---|---|---|---|---|---|---|---|---|---|");
            foreach (var r in results)
            {
                await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"| {r.Engine} | {r.Scenario} | {r.Concurrency} | {r.RequestsPerSecond:0} | {(double.IsNaN(r.RatioToBaseline) ? "—" : $"{r.RatioToBaseline:P0}")} | {r.P50Ms:0.00} | {r.P90Ms:0.00} | {r.P99Ms:0.00} | {r.MaxMs:0.0} | {r.Errors} | {(double.IsNaN(r.HubBytesPerCall) ? "—" : $"{r.HubBytesPerCall:0}")} |"));
            }
        }

        return results.All(r => r.Errors == 0) ? 0 : 1;
    }

    public static async Task<List<ScenarioResult>> RunScenariosAsync(HubUnderLoad hub, LoadOptions options)
    {
        // The baseline always runs first: every ratio is against the transport measured in this run.
        var names = options.Scenario == "all" ? LoadOptions.Scenarios : [LoadOptions.Baseline, .. options.Scenario.Split(',')];
        var results = new List<ScenarioResult>();
        var baselines = new Dictionary<string, double>();
        foreach (var name in names.Distinct())
        {
            foreach (var client in options.Clients)
            {
                // Each client's ratios are to the baseline it measured itself.
                var measured = client == LoadOptions.H2LoadClient
                    ? H2LoadClient.Scenarios.Contains(name) ? [await H2LoadClient.MeasureAsync(hub, name, options)] : []
                    : await MeasureScenarioAsync(hub, name, options);
                foreach (var result in measured)
                {
                    if (name == LoadOptions.Baseline)
                    {
                        baselines[client] = result.RequestsPerSecond;
                        results.Add(result);
                    }
                    else
                    {
                        results.Add(result with { RatioToBaseline = result.RequestsPerSecond / baselines[client] });
                    }
                }
            }
        }

        return results;
    }

    private static async Task<IReadOnlyList<ScenarioResult>> MeasureScenarioAsync(HubUnderLoad hub, string name, LoadOptions options)
    {
        var licenses = new LicenseService.LicenseServiceClient(hub.Channel);
        var issuer = HubUnderLoad.Key(hub.IssuerKey);
        switch (name)
        {
            case "import":
            {
                // Rows/s end to end (sealed, encrypted, audited); then PostgreSQL alone on the same rows.
                var prefix = $"IMPORT-{hub.Run}";
                var (imported, _) = await ImportLoad.StreamAsync(licenses, issuer, prefix, 5_000_000, options.ImportRows);
                return hub.DataSource is { } dataSource ? [imported, await ImportLoad.CopyCeilingAsync(dataSource, prefix, options.ImportRows)] : [imported];
            }

            case "events":
            {
                // IssueLicense and ImportLicenses at full rate while a SUBSCRIBER streams every event they cause.
                var issue = await EventDeliveryLoad.MeasureAsync(hub, "issue + subscriber", () => MeasureAsync("issue", Call(hub, "issue"), options, 0));
                var import = await EventDeliveryLoad.MeasureAsync(
                    hub, "import + subscriber", async () => (await ImportLoad.StreamAsync(licenses, issuer, $"EVENTS-{hub.Run}", 9_000_000, options.ImportRows)).Result);
                return [.. issue, .. import];
            }

            case "verify-during-import":
            {
                // Verification while an import streams at full speed in the background.
                using var stop = new CancellationTokenSource();
                var import = ImportLoad.StreamAsync(licenses, issuer, $"DURING-{hub.Run}", 7_000_000, options.ImportRows, cancellationToken: stop.Token);
                var verify = await MeasureAsync(name, Call(hub, "verify"), options, 0);
                await stop.CancelAsync();
                await import.ContinueWith(_ => { }, TaskScheduler.Default);
                return [verify];
            }

            default:
                return [options.SplitCpus ? await ClientProcess.MeasureAsync(hub, name, options) : await MeasureAsync(name, Call(hub, name), options, Primed(hub, name))];
        }
    }

    internal static Func<int, Task> Call(ILoadTarget hub, string scenario)
    {
        var verifier = HubUnderLoad.Key(hub.VerifierKey);
        var issuer = HubUnderLoad.Key(hub.IssuerKey);
        var seeded = hub.Seeded;
        // Calls go round the load connections, as h2load's streams go round its connections.
        var channels = hub.LoadChannels;
        var verifications = channels.Select(c => new VerificationService.VerificationServiceClient(c)).ToArray();
        var exemptions = channels.Select(c => new ExemptionService.ExemptionServiceClient(c)).ToArray();
        var licenseClients = channels.Select(c => new LicenseService.LicenseServiceClient(c)).ToArray();
        var exchanges = channels.Select(c => new DataExchangeService.DataExchangeServiceClient(c)).ToArray();
        T On<T>(T[] clients, int i) => clients[(int)((uint)i % (uint)clients.Length)];
        var consumer = HubUnderLoad.Key(hub.ConsumerKey);
        var issued = 0;
        return scenario switch
        {
            "keys" => async i => await On(verifications, i).GetSigningKeysAsync(new GetSigningKeysRequest()),
            "verify" => async i => await On(verifications, i).VerifyLicenseAsync(
                new VerifyLicenseRequest { Identifier = seeded[i % seeded.Count].Identifier, Purpose = "压测核验" }, verifier),
            "check-matter" => async i => await On(exemptions, i).CheckMatterAsync(new CheckMatterRequest
            {
                RequestId = Guid.NewGuid().ToString(),
                MatterCode = HubUnderLoad.MatterCode,
                Applicant = new Holder { IdType = HolderIdType.CitizenId, IdNumber = seeded[i % seeded.Count].HolderId },
                CaseNumber = "LOAD-CASE",
                Purpose = "压测免证办",
            }, verifier),
            "check-license" => async i => await On(exemptions, i).CheckLicenseAsync(new CheckLicenseRequest
            {
                RequestId = Guid.NewGuid().ToString(),
                Holder = new Holder { IdType = HolderIdType.CitizenId, IdNumber = seeded[i % seeded.Count].HolderId },
                TypeCode = HubUnderLoad.TypeCode,
                CaseNumber = "LOAD-CASE",
                Purpose = "压测核验",
                Assertions = { new Assertion { Op = AssertionOp.Exists } },
            }, verifier),
            "issue" => async i =>
            {
                var n = Interlocked.Increment(ref issued);
                await On(licenseClients, i).IssueLicenseAsync(HubUnderLoad.IssueRequest($"LOAD-{Guid.NewGuid():N}"[..30], HubUnderLoad.CitizenId(1_000_000 + n)), issuer);
            }
            ,
            "query" => async i => await On(exchanges, i).QueryAsync(new QueryRequest
            {
                RequestId = Guid.NewGuid().ToString(),
                ResourceCode = hub.QueryResource,
                Key = seeded[i % seeded.Count].HolderId,
                Purpose = "压测共享查询",
            }, consumer),
            _ => throw new ArgumentException(scenario),
        };
    }

    /// <summary>
    /// How many calls, one per seeded license, put every license in the hub's cache before <c>verify</c> is measured:
    /// the scenario measures verification of a cached license (a city's hot licenses), h2load's single license is
    /// cached by its warm-up, and a first touch (a database read and the seal's check) would otherwise be counted
    /// against the client that spreads its calls over more licenses.
    /// </summary>
    internal static int Primed(ILoadTarget hub, string scenario) => scenario == "verify" ? hub.Seeded.Count : 0;

    /// <summary>
    /// The <paramref name="primed"/> calls, then a short warm-up, then the measured window (<paramref name="measuring"/>
    /// is told when it starts).
    /// </summary>
    internal static async Task<ScenarioResult> MeasureAsync(string name, Func<int, Task> call, LoadOptions options, int primed, Action? measuring = null)
    {
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, options.Concurrency).Select(async _ =>
        {
            while (Interlocked.Increment(ref next) is var i && i < primed)
            {
                await call(i);
            }
        }));
        await RunForAsync(call, TimeSpan.FromSeconds(options.WarmupSeconds), options.Concurrency, null);
        measuring?.Invoke();
        var latencies = new List<double>[options.Concurrency];
        var errors = 0L;
        var clock = Stopwatch.StartNew();
        errors = await RunForAsync(call, TimeSpan.FromSeconds(options.DurationSeconds), options.Concurrency, latencies);
        var elapsed = clock.Elapsed.TotalSeconds;
        var all = latencies.SelectMany(l => l).Order().ToArray();
        double Percentile(double p) => Percentiles.Of(all, p);
        return new ScenarioResult(name, options.Concurrency, all.Length / elapsed, Percentile(0.5), Percentile(0.9), Percentile(0.99), all.Length == 0 ? double.NaN : all[^1], all.Length, errors);
    }

    private static async Task<long> RunForAsync(Func<int, Task> call, TimeSpan duration, int concurrency, List<double>[]? latencies)
    {
        var errors = 0L;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async worker =>
        {
            var mine = new List<double>();
            var i = worker * 7919;
            while (clock.Elapsed < duration)
            {
                var start = Stopwatch.GetTimestamp();
                try
                {
                    await call(i++);
                    mine.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                }
                catch (Grpc.Core.RpcException)
                {
                    Interlocked.Increment(ref errors);
                }
            }

            if (latencies is not null)
            {
                latencies[worker] = mine;
            }
        }));
        return errors;
    }
}
