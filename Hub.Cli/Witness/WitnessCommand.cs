using System.CommandLine;
using System.Net;
using System.Text;
using Hub.Signing.Sm2;

namespace Hub.Cli.Witness;

/// <summary>
/// <c>hubctl witness serve</c>: a C2SP tlog-witness for one or more logs (a city hub and a province hub can witness
/// each other). It keeps its key and what it cosigned in <c>--state DIR</c>, and answers <c>POST /add-checkpoint</c>.
/// </summary>
internal static class WitnessCommand
{
    public static Command Create(CliEnvironment environment)
    {
        var listen = new Option<string>("--listen") { Description = "host:port to listen on", DefaultValueFactory = _ => "127.0.0.1:7380" };
        var stateDir = new Option<DirectoryInfo>("--state") { Description = "Folder for the witness's key and what it cosigned", Required = true };
        var name = new Option<string>("--name") { Description = "The witness's name (its key name in cosignatures), e.g. witness.sx.gov.cn", Required = true };
        var logs = new Option<string[]>("--log") { Description = "ORIGIN=LOG_PUBLIC_KEY_PEM_FILE of a log to witness; repeat for several", Required = true };
        var serve = new Command("serve", "Cosign checkpoints of the logs given, never two roots for one size") { listen, stateDir, name, logs };
        serve.SetAction(async (parsed, cancellationToken) =>
        {
            var known = new Dictionary<string, Sm2PublicKey>(StringComparer.Ordinal);
            foreach (var log in parsed.GetValue(logs) ?? [])
            {
                var at = log.IndexOf('=', StringComparison.Ordinal);
                if (at <= 0 || !File.Exists(log[(at + 1)..]))
                {
                    throw new CliUsageException($"--log {log}: give ORIGIN=FILE, the file holding the log's SM2 public key (PEM).");
                }

                try
                {
                    known[log[..at]] = Sm2PublicKey.FromPem(await File.ReadAllTextAsync(log[(at + 1)..], cancellationToken));
                }
                catch (Exception e) when (e is ArgumentException or FormatException or InvalidOperationException or System.Security.Cryptography.CryptographicException)
                {
                    throw new CliUsageException($"--log {log}: the file is not an SM2 public key in PEM.");
                }
            }

            var folder = parsed.GetValue(stateDir)!.FullName;
            using var state = new WitnessState(folder);
            var key = WitnessKey.LoadOrCreate(folder, parsed.GetValue(name)!);
            var witness = new CheckpointWitness(parsed.GetValue(name)!, key, known, state, TimeProvider.System);
            using var listener = new HttpListener();
            listener.Prefixes.Add($"http://{parsed.GetValue(listen)}/");
            listener.Start();
            environment.Out.WriteLine($"witness {parsed.GetValue(name)} listening on http://{parsed.GetValue(listen)}/add-checkpoint; verifier key in {Path.Combine(folder, "witness.vkey")}");
            await environment.Out.FlushAsync(cancellationToken);
            using var stop = cancellationToken.Register(listener.Stop);
            while (!cancellationToken.IsCancellationRequested)
            {
                HttpListenerContext context;
                try
                {
                    context = await listener.GetContextAsync();
                }
                catch (Exception) when (cancellationToken.IsCancellationRequested)
                {
                    break;
                }

                await AnswerAsync(context, witness, cancellationToken);
            }

            return 0;
        });
        return new Command("witness", "Witness other logs' checkpoints (C2SP tlog-witness)") { serve };
    }

    /// <summary>The request body as UTF-8, or null when it is longer than a checkpoint request can be.</summary>
    private static async Task<string?> ReadBoundedAsync(Stream body, CancellationToken cancellationToken)
    {
        var buffer = new byte[CheckpointWitness.MaxRequestBytes + 1];
        var length = 0;
        int read;
        while ((read = await body.ReadAsync(buffer.AsMemory(length), cancellationToken)) > 0)
        {
            length += read;
            if (length > CheckpointWitness.MaxRequestBytes)
            {
                return null;
            }
        }

        return Encoding.UTF8.GetString(buffer, 0, length);
    }

    private static async Task AnswerAsync(HttpListenerContext context, CheckpointWitness witness, CancellationToken cancellationToken)
    {
        var (status, type, body) = (404, "text/plain", "POST /add-checkpoint\n");
        if (context.Request is { HttpMethod: "POST", Url.AbsolutePath: "/add-checkpoint" })
        {
            var request = await ReadBoundedAsync(context.Request.InputStream, cancellationToken);
            (status, type, body) = request is null
                ? (413, "text/plain", $"at most {CheckpointWitness.MaxRequestBytes} bytes\n")
                : witness.AddCheckpoint(request);
        }

        var bytes = Encoding.UTF8.GetBytes(body);
        context.Response.StatusCode = status;
        context.Response.ContentType = type;
        context.Response.ContentLength64 = bytes.Length;
        await context.Response.OutputStream.WriteAsync(bytes, cancellationToken);
        context.Response.Close();
    }
}
