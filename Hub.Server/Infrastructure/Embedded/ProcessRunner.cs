using System.Diagnostics;
using System.Text;

namespace Hub.Server.Infrastructure.Embedded;

/// <summary>Runs a PostgreSQL tool to completion, as the <c>postgres</c> user when this process is root.</summary>
internal static class ProcessRunner
{
    public static bool RunningAsRoot => Environment.IsPrivilegedProcess && !OperatingSystem.IsWindows();

    /// <summary>Runs the command and returns its exit code and combined output; never throws for a non-zero exit.</summary>
    public static (int ExitCode, string Output) Run(string fileName, IReadOnlyList<string> arguments, bool asPostgres, TimeSpan timeout)
    {
        var info = new ProcessStartInfo
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = "/",
        };
        if (asPostgres && RunningAsRoot)
        {
            info.FileName = "runuser";
            foreach (var a in (string[])["-u", "postgres", "--", fileName])
            {
                info.ArgumentList.Add(a);
            }
        }
        else
        {
            info.FileName = fileName;
        }

        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        // LC_ALL keeps tool messages in English whatever the machine's locale; the output goes into error messages.
        info.Environment["LC_ALL"] = "C.UTF-8";
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {fileName}");
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(output, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            return (-1, $"{fileName} did not finish within {timeout.TotalSeconds:0} s. {output}");
        }

        process.WaitForExit();
        lock (output)
        {
            return (process.ExitCode, output.ToString());
        }
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.AppendLine(line);
        }
    }
}
