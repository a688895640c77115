namespace Hub.Signing.Sm2;

/// <summary>SM3 (GB/T 32905) hashing and HMAC-SM3 (RFC 2104), on the allocation-free <see cref="Sm3Hasher"/>.</summary>
public static class Sm3
{
    public const int HashSize = Sm3Hasher.HashSize;
    private const int BlockSize = 64;

    public static byte[] Hash(ReadOnlySpan<byte> data)
    {
        var hash = new byte[HashSize];
        Sm3Hasher.Hash(data, hash);
        return hash;
    }

    /// <summary>SM3 over the concatenation of several parts, without joining them first.</summary>
    public static byte[] Hash(params ReadOnlySpan<byte[]> parts)
    {
        var hasher = Sm3Hasher.Create();
        foreach (var part in parts)
        {
            hasher.Append(part);
        }

        var hash = new byte[HashSize];
        hasher.Finish(hash);
        return hash;
    }

    /// <summary>
    /// SM3 of many messages laid end to end in <paramref name="data"/> — message <c>i</c> ends at <c>ends[i]</c> and
    /// starts where the one before it ended — into <paramref name="hashes"/>, 32 bytes each, eight at a time where the
    /// CPU has 256-bit vectors.
    /// </summary>
    public static void HashMany(ReadOnlySpan<byte> data, ReadOnlySpan<int> ends, Span<byte> hashes) => Sm3Lanes.HashMany(data, ends, hashes);

    public static byte[] Hmac(ReadOnlySpan<byte> key, ReadOnlySpan<byte> data)
    {
        Span<byte> block = stackalloc byte[BlockSize];
        block.Clear();
        if (key.Length > BlockSize)
        {
            Sm3Hasher.Hash(key, block);
        }
        else
        {
            key.CopyTo(block);
        }

        Span<byte> pad = stackalloc byte[BlockSize];
        Span<byte> inner = stackalloc byte[HashSize];
        for (var i = 0; i < BlockSize; i++)
        {
            pad[i] = (byte)(block[i] ^ 0x36);
        }

        var hasher = Sm3Hasher.Create();
        hasher.Append(pad);
        hasher.Append(data);
        hasher.Finish(inner);
        for (var i = 0; i < BlockSize; i++)
        {
            pad[i] = (byte)(block[i] ^ 0x5c);
        }

        hasher = Sm3Hasher.Create();
        hasher.Append(pad);
        hasher.Append(inner);
        var result = new byte[HashSize];
        hasher.Finish(result);
        System.Security.Cryptography.CryptographicOperations.ZeroMemory(block);
        System.Security.Cryptography.CryptographicOperations.ZeroMemory(pad);
        return result;
    }
}
