using System.Text.Json;

namespace Hub.Cli.Witness;

/// <summary>
/// What the witness has cosigned, per log: the latest size and root. Written durably (a temporary file flushed to
/// disk, then renamed over the old one) before a cosignature leaves, and guarded by a lock file so a second witness
/// process on the same folder cannot run: whatever happens, two different roots are never cosigned for one size.
/// </summary>
internal sealed class WitnessState : IDisposable
{
    private const string FileName = "state.json";
    private readonly string _path;
    private readonly FileStream _lock;
    private readonly Dictionary<string, Cosigned> _logs;

    public WitnessState(string folder)
    {
        Directory.CreateDirectory(folder);
        _path = Path.Combine(folder, FileName);
        try
        {
            _lock = new FileStream(Path.Combine(folder, "lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            throw new CliUsageException($"another witness is running on {folder} (its lock file is held).");
        }

        _logs = File.Exists(_path) ? JsonSerializer.Deserialize<Dictionary<string, Cosigned>>(File.ReadAllText(_path)) ?? [] : [];
    }

    /// <summary>The latest size and root cosigned for a log (size 0 before the first).</summary>
    public Cosigned Latest(string origin) => _logs.GetValueOrDefault(origin) ?? new Cosigned(0, string.Empty);

    /// <summary>Records a new latest checkpoint, on disk, before it is cosigned.</summary>
    public void Advance(string origin, long size, byte[] root)
    {
        _logs[origin] = new Cosigned(size, Convert.ToBase64String(root));
        var temporary = _path + ".tmp";
        using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            JsonSerializer.Serialize(file, _logs);
            file.Flush(flushToDisk: true);
        }

        File.Move(temporary, _path, overwrite: true);
    }

    public void Dispose() => _lock.Dispose();

    internal sealed record Cosigned(long Size, string Root);
}
