using System.CommandLine;

namespace Hub.Cli;

/// <summary>
/// Where hubctl keeps what it must remember between runs — today the last audit checkpoint it verified, so the next
/// <c>audit verify</c> can prove the log only grew. One folder per hub address, under <c>--state-dir</c> (env
/// HUB_STATE_DIR), else <c>$XDG_STATE_HOME/hubctl</c>, else <c>~/.local/state/hubctl</c>; never the working folder.
/// </summary>
internal sealed class StateDirectory
{
    public Option<DirectoryInfo?> Folder { get; } = new("--state-dir")
    {
        Description = "Folder for what hubctl remembers between runs (env HUB_STATE_DIR; default ~/.local/state/hubctl)",
        Recursive = true,
    };

    public void AddTo(RootCommand root) => root.Options.Add(Folder);

    /// <summary>The file <paramref name="name"/> kept for the hub at <paramref name="url"/>; its folder is created (mode 0700).</summary>
    public FileInfo FileFor(ParseResult parsed, string url, string name)
    {
        var folder = Path.Combine(Root(parsed), ForAddress(url));
        if (!Directory.Exists(folder))
        {
            Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        return new FileInfo(Path.Combine(folder, name));
    }

    private string Root(ParseResult parsed)
    {
        if (parsed.GetValue(Folder) is { } given)
        {
            return given.FullName;
        }

        if (Environment.GetEnvironmentVariable("HUB_STATE_DIR") is { Length: > 0 } variable)
        {
            return Path.GetFullPath(variable);
        }

        var xdg = Environment.GetEnvironmentVariable("XDG_STATE_HOME");
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return Path.Combine(string.IsNullOrEmpty(xdg) ? Path.Combine(home, ".local", "state") : xdg, "hubctl");
    }

    /// <summary>"https://hub.xa.gov.cn:5001" → "hub.xa.gov.cn_5001": one folder per hub, a readable name.</summary>
    private static string ForAddress(string url)
    {
        var authority = Uri.TryCreate(url, UriKind.Absolute, out var uri) ? $"{uri.Host}_{uri.Port}" : url;
        return string.Concat(authority.Select(c => char.IsLetterOrDigit(c) || c is '.' or '-' or '_' ? c : '_'));
    }
}
