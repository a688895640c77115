using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Hub.Signing.Sm2;

/// <summary>
/// SM3 (GB/T 32905) as a value type: incremental, allocation-free (its state lives wherever the struct lives, usually
/// the stack). <c>Create()</c>, <c>Append</c> any number of times, then <c>Finish</c> once.
/// </summary>
public struct Sm3Hasher
{
    public const int HashSize = 32;
    private const int BlockSize = 64;

    private State8 _v;
    private Block64 _buffer;
    private int _buffered;
    private ulong _length;

    /// <summary>The initial value IV of GB/T 32905, as eight words.</summary>
    internal static ReadOnlySpan<uint> InitialValue => [0x7380166f, 0x4914b2b9, 0x172442d7, 0xda8a0600, 0xa96f30bc, 0x163138aa, 0xe38dee4d, 0xb0fb0e4e];

    public static Sm3Hasher Create()
    {
        var hasher = default(Sm3Hasher);
        InitialValue.CopyTo(hasher._v);
        return hasher;
    }

    /// <summary>SM3 of <paramref name="data"/> into <paramref name="hash"/> (32 bytes).</summary>
    public static void Hash(ReadOnlySpan<byte> data, Span<byte> hash)
    {
        var hasher = Create();
        hasher.Append(data);
        hasher.Finish(hash);
    }

    public void Append(ReadOnlySpan<byte> data)
    {
        _length += (ulong)data.Length;
        Span<byte> buffer = _buffer;
        if (_buffered > 0)
        {
            var take = Math.Min(BlockSize - _buffered, data.Length);
            data[..take].CopyTo(buffer[_buffered..]);
            _buffered += take;
            data = data[take..];
            if (_buffered < BlockSize)
            {
                return;
            }

            Compress(ref _v, buffer);
            _buffered = 0;
        }

        while (data.Length >= BlockSize)
        {
            Compress(ref _v, data[..BlockSize]);
            data = data[BlockSize..];
        }

        data.CopyTo(buffer);
        _buffered = data.Length;
    }

    public void Finish(Span<byte> hash)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(hash.Length, HashSize);
        var bits = _length * 8;
        Span<byte> buffer = _buffer;
        buffer[_buffered++] = 0x80;
        if (_buffered > BlockSize - 8)
        {
            buffer[_buffered..].Clear();
            Compress(ref _v, buffer);
            _buffered = 0;
        }

        buffer[_buffered..(BlockSize - 8)].Clear();
        BinaryPrimitives.WriteUInt64BigEndian(buffer[(BlockSize - 8)..], bits);
        Compress(ref _v, buffer);
        for (var i = 0; i < 8; i++)
        {
            BinaryPrimitives.WriteUInt32BigEndian(hash[(i * 4)..], _v[i]);
        }

        this = default;
    }

    private static void Compress(ref State8 v, ReadOnlySpan<byte> block)
    {
        Span<uint> w = stackalloc uint[68];
        for (var j = 0; j < 16; j++)
        {
            w[j] = BinaryPrimitives.ReadUInt32BigEndian(block[(j * 4)..]);
        }

        for (var j = 16; j < 68; j++)
        {
            w[j] = P1(w[j - 16] ^ w[j - 9] ^ BitOperations.RotateLeft(w[j - 3], 15)) ^ BitOperations.RotateLeft(w[j - 13], 7) ^ w[j - 6];
        }

        uint a = v[0], b = v[1], c = v[2], d = v[3], e = v[4], f = v[5], g = v[6], h = v[7];
        for (var j = 0; j < 64; j++)
        {
            var a12 = BitOperations.RotateLeft(a, 12);
            var ss1 = BitOperations.RotateLeft(a12 + e + BitOperations.RotateLeft(j < 16 ? 0x79cc4519u : 0x7a879d8au, j & 31), 7);
            var ss2 = ss1 ^ a12;
            var tt1 = (j < 16 ? a ^ b ^ c : (a & b) | (a & c) | (b & c)) + d + ss2 + (w[j] ^ w[j + 4]);
            var tt2 = (j < 16 ? e ^ f ^ g : (e & f) | (~e & g)) + h + ss1 + w[j];
            d = c;
            c = BitOperations.RotateLeft(b, 9);
            b = a;
            a = tt1;
            h = g;
            g = BitOperations.RotateLeft(f, 19);
            f = e;
            e = P0(tt2);
        }

        v[0] ^= a;
        v[1] ^= b;
        v[2] ^= c;
        v[3] ^= d;
        v[4] ^= e;
        v[5] ^= f;
        v[6] ^= g;
        v[7] ^= h;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint P0(uint x) => x ^ BitOperations.RotateLeft(x, 9) ^ BitOperations.RotateLeft(x, 17);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint P1(uint x) => x ^ BitOperations.RotateLeft(x, 15) ^ BitOperations.RotateLeft(x, 23);

    [InlineArray(8)]
    private struct State8
    {
        private uint _element;
    }

    [InlineArray(BlockSize)]
    private struct Block64
    {
        private byte _element;
    }
}
