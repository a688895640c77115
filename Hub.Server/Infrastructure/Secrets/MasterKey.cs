using System.Security.Cryptography;
using Hub.Server.Infrastructure.Embedded;

namespace Hub.Server.Infrastructure.Secrets;

/// <summary>The key that encrypts the data keys and the private signing keys at rest; never stored in the database.</summary>
public sealed class MasterKey
{
    private const string FileName = "master-key";
    private readonly byte[] _key;

    private MasterKey(byte[] key) => _key = key;

    /// <summary>The configured key, or on the embedded default the one in the state folder (created on first use).</summary>
    public static MasterKey Resolve(string? configured, string stateDirectory, bool embedded)
    {
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return FromBase64(configured, "Hub:Secrets:MasterKey");
        }

        if (!embedded)
        {
            throw new InvalidOperationException(
                "Hub:Secrets:MasterKey is required when ConnectionStrings:Hub is set: base64 of 32 random bytes (e.g. `openssl rand -base64 32`).");
        }

        var path = Path.Combine(stateDirectory, FileName);
        if (File.Exists(path))
        {
            return FromBase64(File.ReadAllText(path).Trim(), path);
        }

        var key = RandomNumberGenerator.GetBytes(AesGcmBox.KeySize);
        Directory.CreateDirectory(stateDirectory);
        PrivateFiles.Write(path, Convert.ToBase64String(key) + "\n");
        return new MasterKey(key);
    }

    public byte[] Seal(ReadOnlySpan<byte> plaintext, string associatedData) => AesGcmBox.Seal(_key, plaintext, associatedData);

    public byte[] Open(ReadOnlySpan<byte> box, string associatedData) => AesGcmBox.Open(_key, box, associatedData);

    private static MasterKey FromBase64(string text, string source)
    {
        try
        {
            var key = Convert.FromBase64String(text);
            return key.Length == AesGcmBox.KeySize
                ? new MasterKey(key)
                : throw new InvalidOperationException($"{source} must be base64 of exactly 32 bytes (got {key.Length}).");
        }
        catch (FormatException)
        {
            throw new InvalidOperationException($"{source} is not valid base64.");
        }
    }
}
