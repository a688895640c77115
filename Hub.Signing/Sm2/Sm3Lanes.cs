using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Hub.Signing.Sm2;

/// <summary>
/// SM3 of many independent messages at once, eight per pass in the lanes of 256-bit vectors: every step of the
/// compression function is a lane-wise 32-bit operation, so eight messages cost about what one does in scalar code.
/// The access log hashes its entries this way — a batch of leaves when it appends, every new leaf again when a
/// checkpoint extends the tree — where one SM3 at a time was a tenth of the hub's CPU under verification load.
/// <para>
/// Messages are grouped by length (block count) so lanes finish together; a lane done early keeps its state while
/// the others run. Without 256-bit vector hardware, or for a lone message, the scalar <see cref="Sm3Hasher"/> runs.
/// </para>
/// </summary>
internal static class Sm3Lanes
{
    public const int Lanes = 8;
    private const int BlockSize = 64;

    // T_j rotated left by j (mod 32), the round constant as each round adds it.
    private static readonly uint[] RoundConstants = BuildRoundConstants();

    /// <summary>Whether this machine runs the lanes; otherwise <see cref="HashMany"/> hashes one message at a time.</summary>
    public static bool IsAccelerated => Vector256.IsHardwareAccelerated;

    /// <summary>
    /// SM3 of each message in <paramref name="data"/>: message <c>i</c> is <c>data[ends[i-1]..ends[i]]</c> (the first
    /// starts at 0); its hash goes to <c>hashes[32i..32i+32]</c>.
    /// </summary>
    public static void HashMany(ReadOnlySpan<byte> data, ReadOnlySpan<int> ends, Span<byte> hashes)
    {
        var count = ends.Length;
        ArgumentOutOfRangeException.ThrowIfLessThan(hashes.Length, count * Sm3Hasher.HashSize, nameof(hashes));
        for (var i = 0; i < count; i++)
        {
            if (ends[i] < Start(ends, i) || ends[i] > data.Length)
            {
                throw new ArgumentOutOfRangeException(nameof(ends), "each end must be at or after the one before it and within the data");
            }
        }

        if (!IsAccelerated || count < 2)
        {
            for (var i = 0; i < count; i++)
            {
                HashOne(data, ends, i, hashes);
            }

            return;
        }

        // Longest first, so each pass of eight holds messages of nearly the same block count.
        var rented = ArrayPool<int>.Shared.Rent(2 * count);
        try
        {
            var order = rented.AsSpan(0, count);
            var longestFirst = rented.AsSpan(count, count);
            for (var i = 0; i < count; i++)
            {
                order[i] = i;
                longestFirst[i] = Start(ends, i) - ends[i];
            }

            longestFirst.Sort(order);
            for (var first = 0; first < count; first += Lanes)
            {
                var group = order.Slice(first, Math.Min(Lanes, count - first));
                if (group.Length == 1)
                {
                    HashOne(data, ends, group[0], hashes);
                }
                else
                {
                    HashGroup(data, ends, group, hashes);
                }
            }
        }
        finally
        {
            ArrayPool<int>.Shared.Return(rented);
        }
    }

    private static int Start(ReadOnlySpan<int> ends, int i) => i == 0 ? 0 : ends[i - 1];

    private static void HashOne(ReadOnlySpan<byte> data, ReadOnlySpan<int> ends, int i, Span<byte> hashes) =>
        Sm3Hasher.Hash(data[Start(ends, i)..ends[i]], hashes.Slice(i * Sm3Hasher.HashSize, Sm3Hasher.HashSize));

    /// <summary>Up to eight messages, one per lane; lanes past the group's size and lanes already finished idle.</summary>
    private static void HashGroup(ReadOnlySpan<byte> data, ReadOnlySpan<int> ends, ReadOnlySpan<int> group, Span<byte> hashes)
    {
        // Each lane's padded tail: its last partial block, 0x80, zeros and the bit length — one or two blocks.
        Span<byte> tails = stackalloc byte[Lanes * 2 * BlockSize];
        tails.Clear();
        Span<int> starts = stackalloc int[Lanes];
        Span<int> fullBlocks = stackalloc int[Lanes];
        Span<int> blocks = stackalloc int[Lanes];
        var most = 0;
        for (var lane = 0; lane < group.Length; lane++)
        {
            var i = group[lane];
            var start = Start(ends, i);
            var length = ends[i] - start;
            starts[lane] = start;
            fullBlocks[lane] = length / BlockSize;
            var rest = length % BlockSize;
            var tailBlocks = rest + 1 + 8 <= BlockSize ? 1 : 2;
            var tail = tails.Slice(lane * 2 * BlockSize, tailBlocks * BlockSize);
            data.Slice(start + (fullBlocks[lane] * BlockSize), rest).CopyTo(tail);
            tail[rest] = 0x80;
            BinaryPrimitives.WriteUInt64BigEndian(tail[^8..], (ulong)length * 8);
            blocks[lane] = fullBlocks[lane] + tailBlocks;
            most = Math.Max(most, blocks[lane]);
        }

        var v = new State();
        for (var k = 0; k < 8; k++)
        {
            v[k] = Vector256.Create(Sm3Hasher.InitialValue[k]);
        }

        Span<uint> words = stackalloc uint[16 * Lanes];
        Span<uint> active = stackalloc uint[Lanes];
        for (var b = 0; b < most; b++)
        {
            words.Clear();
            for (var lane = 0; lane < group.Length; lane++)
            {
                active[lane] = b < blocks[lane] ? uint.MaxValue : 0;
                if (b >= blocks[lane])
                {
                    continue;
                }

                var block = b < fullBlocks[lane]
                    ? data.Slice(starts[lane] + (b * BlockSize), BlockSize)
                    : tails.Slice((lane * 2 * BlockSize) + ((b - fullBlocks[lane]) * BlockSize), BlockSize);
                for (var j = 0; j < 16; j++)
                {
                    words[(j * Lanes) + lane] = BinaryPrimitives.ReadUInt32BigEndian(block[(j * 4)..]);
                }
            }

            for (var lane = group.Length; lane < Lanes; lane++)
            {
                active[lane] = 0;
            }

            Compress(ref v, words, Vector256.Create<uint>(active));
        }

        Span<uint> output = stackalloc uint[8 * Lanes];
        for (var k = 0; k < 8; k++)
        {
            v[k].CopyTo(output[(k * Lanes)..]);
        }

        for (var lane = 0; lane < group.Length; lane++)
        {
            var hash = hashes.Slice(group[lane] * Sm3Hasher.HashSize, Sm3Hasher.HashSize);
            for (var k = 0; k < 8; k++)
            {
                BinaryPrimitives.WriteUInt32BigEndian(hash[(k * 4)..], output[(k * Lanes) + lane]);
            }
        }
    }

    /// <summary>One block in every lane (words transposed: word j of lane l at 8j + l); lanes outside the mask keep their state.</summary>
    private static void Compress(ref State v, ReadOnlySpan<uint> words, Vector256<uint> mask)
    {
        var w = new Expanded();
        for (var j = 0; j < 16; j++)
        {
            w[j] = Vector256.Create(words.Slice(j * Lanes, Lanes));
        }

        for (var j = 16; j < 68; j++)
        {
            w[j] = P1(w[j - 16] ^ w[j - 9] ^ Rol(w[j - 3], 15)) ^ Rol(w[j - 13], 7) ^ w[j - 6];
        }

        Vector256<uint> a = v[0], b = v[1], c = v[2], d = v[3], e = v[4], f = v[5], g = v[6], h = v[7];
        for (var j = 0; j < 16; j++)
        {
            Round(ref a, ref b, ref c, ref d, ref e, ref f, ref g, ref h, w[j], w[j + 4], RoundConstants[j], first: true);
        }

        for (var j = 16; j < 64; j++)
        {
            Round(ref a, ref b, ref c, ref d, ref e, ref f, ref g, ref h, w[j], w[j + 4], RoundConstants[j], first: false);
        }

        v[0] = Vector256.ConditionalSelect(mask, v[0] ^ a, v[0]);
        v[1] = Vector256.ConditionalSelect(mask, v[1] ^ b, v[1]);
        v[2] = Vector256.ConditionalSelect(mask, v[2] ^ c, v[2]);
        v[3] = Vector256.ConditionalSelect(mask, v[3] ^ d, v[3]);
        v[4] = Vector256.ConditionalSelect(mask, v[4] ^ e, v[4]);
        v[5] = Vector256.ConditionalSelect(mask, v[5] ^ f, v[5]);
        v[6] = Vector256.ConditionalSelect(mask, v[6] ^ g, v[6]);
        v[7] = Vector256.ConditionalSelect(mask, v[7] ^ h, v[7]);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Round(
        ref Vector256<uint> a, ref Vector256<uint> b, ref Vector256<uint> c, ref Vector256<uint> d,
        ref Vector256<uint> e, ref Vector256<uint> f, ref Vector256<uint> g, ref Vector256<uint> h,
        Vector256<uint> wj, Vector256<uint> wj4, uint constant, bool first)
    {
        var a12 = Rol(a, 12);
        var ss1 = Rol(a12 + e + Vector256.Create(constant), 7);
        var ss2 = ss1 ^ a12;
        var ff = first ? a ^ b ^ c : (a & b) | (a & c) | (b & c);
        var gg = first ? e ^ f ^ g : (e & f) | Vector256.AndNot(g, e);
        var tt1 = ff + d + ss2 + (wj ^ wj4);
        var tt2 = gg + h + ss1 + wj;
        d = c;
        c = Rol(b, 9);
        b = a;
        a = tt1;
        h = g;
        g = Rol(f, 19);
        f = e;
        e = P0(tt2);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<uint> P0(Vector256<uint> x) => x ^ Rol(x, 9) ^ Rol(x, 17);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<uint> P1(Vector256<uint> x) => x ^ Rol(x, 15) ^ Rol(x, 23);

    // One instruction where AVX-512 (VL) is there, two shifts and an or elsewhere.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<uint> Rol(Vector256<uint> x, [ConstantExpected(Min = 1, Max = 31)] byte n) =>
        Avx512F.VL.IsSupported ? Avx512F.VL.RotateLeft(x, n) : (x << n) | (x >>> (32 - n));

    private static uint[] BuildRoundConstants()
    {
        var constants = new uint[64];
        for (var j = 0; j < 64; j++)
        {
            constants[j] = System.Numerics.BitOperations.RotateLeft(j < 16 ? 0x79cc4519u : 0x7a879d8au, j & 31);
        }

        return constants;
    }

    [InlineArray(8)]
    private struct State
    {
        private Vector256<uint> _element;
    }

    [InlineArray(68)]
    private struct Expanded
    {
        private Vector256<uint> _element;
    }
}
