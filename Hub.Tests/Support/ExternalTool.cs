using System.Diagnostics;

namespace Hub.Tests.Support;

/// <summary>Runs an independent command-line tool (openssl, xmlsec1) the way a person would; a missing tool fails the test.</summary>
public static class ExternalTool
{
    public static (int ExitCode, string Output) Run(string tool, params string[] arguments)
    {
        var path = new[] { "/usr/bin/", "/usr/local/bin/" }.Select(d => d + tool).FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException($"{tool} is not installed; scripts/test.sh installs it (apt-get install {tool}).");
        var info = new ProcessStartInfo(path) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        return (process.ExitCode, stdout.Result + stderr.Result);
    }
}
