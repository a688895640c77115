using System.Security.Cryptography;

namespace Hub.Server.Infrastructure.Embedded;

/// <summary>Files in the state folder that hold secrets (keys, passwords): readable by their owner only.</summary>
public static class PrivateFiles
{
    /// <summary>Writes a file only its owner can read (mode 0600).</summary>
    public static void Write(string path, string content)
    {
        using (var stream = new FileStream(path, new FileStreamOptions
        {
            Mode = FileMode.Create,
            Access = FileAccess.Write,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        }))
        using (var writer = new StreamWriter(stream))
        {
            writer.Write(content);
        }

        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }

    /// <summary>The secret kept in the file, made (random, 24 bytes hex) on first use.</summary>
    public static string ReadOrCreateSecret(string path)
    {
        if (File.Exists(path))
        {
            return File.ReadAllText(path).Trim();
        }

        var secret = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        Write(path, secret);
        return secret;
    }
}
