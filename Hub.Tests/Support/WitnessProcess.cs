using System.Diagnostics;
using System.Text;

namespace Hub.Tests.Support;

/// <summary>
/// <c>hubctl witness serve</c> as its own process (the built hubctl.dll), started until it says it listens, killed
/// with SIGKILL on dispose (no chance to clean up, as a crash) and waited for, its lock on the state folder with it.
/// </summary>
public sealed class WitnessProcess : IDisposable
{
    private readonly Process _process;

    private WitnessProcess(Process process) => _process = process;

    public static async Task<WitnessProcess> StartAsync(int port, string stateFolder, string name, string origin, string logKeyFile)
    {
        var info = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in (string[])[HubProcess.BuiltAssembly("Hub.Cli", "hubctl.dll"), "witness", "serve", "--listen", $"127.0.0.1:{port}", "--state", stateFolder, "--name", name, "--log", $"{origin}={logKeyFile}"])
        {
            info.ArgumentList.Add(argument);
        }

        var process = Process.Start(info)!;
        var ready = new TaskCompletionSource<string?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var errors = new StringBuilder();
        process.OutputDataReceived += (_, e) => ready.TrySetResult(e.Data);
        process.ErrorDataReceived += (_, e) => errors.AppendLine(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var line = await ready.Task.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        if (line?.Contains("listening", StringComparison.Ordinal) != true)
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException("the witness did not start: " + line + errors);
        }

        return new WitnessProcess(process);
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.WaitForExit(10_000);
        _process.Dispose();
    }
}
