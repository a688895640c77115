using System.CommandLine;
using System.Security.Cryptography.X509Certificates;
using Grpc.Core;
using Grpc.Net.Client;

namespace Hub.Cli;

/// <summary>
/// Where the hub is and how to authenticate: <c>--url</c> (or HUB_URL), <c>--api-key</c> (or HUB_API_KEY),
/// <c>--api-key-file</c>, and — only when none of them is given at all — the embedded hub's <c>.hub/admin-api-key</c>
/// in the current folder. A key option or variable that is present but empty is an error, never a fall back to the
/// admin key: <c>--api-key "$AUDITOR_KEY"</c> with the variable unset must not run as ADMIN.
/// </summary>
internal sealed class ConnectionOptions
{
    public const string DefaultKeyFile = ".hub/admin-api-key";

    public Option<string> Url { get; } = new("--url")
    {
        Description = "The hub's gRPC address (env HUB_URL)",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("HUB_URL") ?? "http://127.0.0.1:5000",
        Recursive = true,
    };

    public Option<string?> ApiKey { get; } = new("--api-key")
    {
        Description = "API key (env HUB_API_KEY); prefer the environment variable so the key stays out of shell history",
        Recursive = true,
    };

    public Option<FileInfo?> ApiKeyFile { get; } = new("--api-key-file")
    {
        Description = $"File holding the API key (default: {DefaultKeyFile} when it exists)",
        Recursive = true,
    };

    public Option<string?> HolderAssertion { get; } = new("--holder-assertion")
    {
        Description = "PORTAL: the signed holder assertion to send (env HUB_HOLDER_ASSERTION; make one with `hubctl portal assert`)",
        Recursive = true,
    };

    public Option<FileInfo?> CaFile { get; } = new("--ca-file")
    {
        Description = "PEM file of the CA (or CAs) that issued the hub's certificate, or of the hub's own self-signed certificate (the embedded hub's .hub/tls/cert.pem), for an https:// URL",
        Recursive = true,
    };

    /// <summary>How read commands print (<c>--output</c>, <c>--utc</c>); every command gets it with the connection.</summary>
    public OutputOptions Output { get; } = new();

    /// <summary>Where hubctl keeps what it remembers between runs (<c>--state-dir</c>).</summary>
    public StateDirectory State { get; } = new();

    /// <summary>The address the command talks to, as given (for messages).</summary>
    public string Address(ParseResult parsed) => parsed.GetValue(Url)!;

    public void AddTo(RootCommand root)
    {
        Output.AddTo(root);
        State.AddTo(root);
        root.Options.Add(Url);
        root.Options.Add(ApiKey);
        root.Options.Add(ApiKeyFile);
        root.Options.Add(HolderAssertion);
        root.Options.Add(CaFile);
    }

    public GrpcChannel OpenChannel(ParseResult parsed, CliEnvironment environment)
    {
        var url = parsed.GetValue(Url)!;
        var handler = environment.Handler ?? CreateHandler(parsed.GetValue(CaFile));
        var (apiKey, source) = ResolveApiKey(parsed);
        if (apiKey is not null)
        {
            // stderr, so scripts reading stdout are not disturbed; the key itself is never printed.
            environment.Error.WriteLine($"hubctl: authenticating with the API key from {source}");
        }

        var assertion = parsed.GetValue(HolderAssertion) ?? Environment.GetEnvironmentVariable("HUB_HOLDER_ASSERTION");
        var credentials = apiKey is null
            ? null
            : CallCredentials.FromInterceptor((_, metadata) =>
            {
                metadata.Add("authorization", "Bearer " + apiKey);
                if (!string.IsNullOrWhiteSpace(assertion))
                {
                    metadata.Add("x-hub-holder-assertion", assertion.Trim());
                }

                return Task.CompletedTask;
            });
        return GrpcChannel.ForAddress(url, new GrpcChannelOptions
        {
            HttpHandler = handler,
            DisposeHttpClient = environment.Handler is null,
            Credentials = credentials is null ? null : ChannelCredentials.Create(url.StartsWith("https", StringComparison.OrdinalIgnoreCase) ? ChannelCredentials.SecureSsl : ChannelCredentials.Insecure, credentials),
            UnsafeUseInsecureChannelCallCredentials = true,
        });
    }

    private (string? Key, string Source) ResolveApiKey(ParseResult parsed)
    {
        if (parsed.GetResult(ApiKey) is not null)
        {
            return (Present(parsed.GetValue(ApiKey), "--api-key"), "--api-key");
        }

        if (Environment.GetEnvironmentVariable("HUB_API_KEY") is { } variable)
        {
            return (Present(variable, "HUB_API_KEY"), "HUB_API_KEY");
        }

        if (parsed.GetValue(ApiKeyFile) is { } given)
        {
            if (!given.Exists)
            {
                throw new CliUsageException($"--api-key-file {given.FullName} does not exist.");
            }

            return (Present(File.ReadAllText(given.FullName), $"--api-key-file {given.Name}"), $"--api-key-file {given.FullName}");
        }

        return File.Exists(DefaultKeyFile)
            ? (Present(File.ReadAllText(DefaultKeyFile), DefaultKeyFile), $"{DefaultKeyFile} (the embedded hub's ADMIN; no --api-key, HUB_API_KEY or --api-key-file was given)")
            : (null, "nowhere");
    }

    private static string Present(string? key, string source) =>
        string.IsNullOrWhiteSpace(key)
            ? throw new CliUsageException($"the API key from {source} is empty (an unset variable?). Give a key, or leave {source} out entirely to use the default.")
            : key.Trim();

    /// <summary>
    /// The hub's certificate is trusted when it is one of the given certificates (a self-signed one, pinned), or when it
    /// chains to one of them as a root and names the host asked for.
    /// </summary>
    internal static bool IssuedBy(X509Certificate2 certificate, X509Certificate2Collection trusted, System.Net.Security.SslPolicyErrors errors)
    {
        if (trusted.Any(t => t.RawDataMemory.Span.SequenceEqual(certificate.RawDataMemory.Span)))
        {
            return true;
        }

        if (errors.HasFlag(System.Net.Security.SslPolicyErrors.RemoteCertificateNameMismatch))
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(trusted);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(certificate);
    }

    private static SocketsHttpHandler CreateHandler(FileInfo? caFile)
    {
        var handler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true };
        if (caFile is not null)
        {
            if (!caFile.Exists)
            {
                throw new CliUsageException($"--ca-file {caFile.FullName} does not exist.");
            }

            var trusted = new X509Certificate2Collection();
            trusted.ImportFromPemFile(caFile.FullName);
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
                errors == System.Net.Security.SslPolicyErrors.None
                || (certificate is not null && IssuedBy(certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData()), trusted, errors));
        }

        return handler;
    }
}
