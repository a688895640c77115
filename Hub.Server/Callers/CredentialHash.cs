using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Hub.Server.Callers;

/// <summary>
/// A credential's SHA-256 as a value — an API key's hash or a client certificate's thumbprint — so the authentication
/// of a remembered credential compares and looks up 32 bytes without building a hex string or an array per call.
/// </summary>
public readonly record struct CredentialHash(CredentialKind Kind, ulong A, ulong B, ulong C, ulong D)
{
    /// <summary>The hash of an API key as presented (its UTF-8 bytes), on the stack: keys are at most a few hundred bytes.</summary>
    public static CredentialHash OfApiKey(ReadOnlySpan<char> apiKey)
    {
        Span<byte> utf8 = stackalloc byte[Encoding.UTF8.GetMaxByteCount(apiKey.Length)];
        var length = Encoding.UTF8.GetBytes(apiKey, utf8);
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(utf8[..length], hash);
        return From(CredentialKind.ApiKey, hash);
    }

    /// <summary>A stored hash or thumbprint (lower-case hex of 32 bytes); null when it is not one.</summary>
    public static CredentialHash? FromHex(CredentialKind kind, string hex)
    {
        Span<byte> bytes = stackalloc byte[SHA256.HashSizeInBytes];
        return hex.Length == 2 * SHA256.HashSizeInBytes && Convert.FromHexString(hex, bytes, out _, out var written) == System.Buffers.OperationStatus.Done && written == bytes.Length
            ? From(kind, bytes)
            : null;
    }

    public static CredentialHash From(CredentialKind kind, ReadOnlySpan<byte> hash) => new(
        kind,
        BinaryPrimitives.ReadUInt64BigEndian(hash),
        BinaryPrimitives.ReadUInt64BigEndian(hash[8..]),
        BinaryPrimitives.ReadUInt64BigEndian(hash[16..]),
        BinaryPrimitives.ReadUInt64BigEndian(hash[24..]));

    /// <summary>The 32 bytes, for the store's lookup (a database round trip: the array is the least of its cost).</summary>
    public byte[] ToArray()
    {
        var bytes = new byte[SHA256.HashSizeInBytes];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, A);
        BinaryPrimitives.WriteUInt64BigEndian(bytes.AsSpan(8), B);
        BinaryPrimitives.WriteUInt64BigEndian(bytes.AsSpan(16), C);
        BinaryPrimitives.WriteUInt64BigEndian(bytes.AsSpan(24), D);
        return bytes;
    }
}

/// <summary>What a <see cref="CredentialHash"/> is the hash of: the same 32 bytes as a key and as a certificate are two credentials.</summary>
public enum CredentialKind
{
    ApiKey,
    Certificate,
}
