namespace Hub.Signing.Sm2.Managed;

/// <summary>
/// SM2 signatures as DER <c>SEQUENCE { INTEGER r, INTEGER s }</c>. Decoding is strict — the only encoding accepted is
/// the one DER allows (minimal lengths and integers, no trailing bytes) with 0 &lt; r, s &lt; n — which gives the same
/// verdicts as BouncyCastle, whose decoder re-encodes and compares.
/// </summary>
internal static class Sm2Der
{
    public const int MaxLength = 72;

    public static int Encode(in Fn r, in Fn s, Span<byte> output)
    {
        Span<byte> rBytes = stackalloc byte[32];
        Span<byte> sBytes = stackalloc byte[32];
        r.ToBytes(rBytes);
        s.ToBytes(sBytes);
        var at = 2;
        at += WriteInteger(rBytes, output[at..]);
        at += WriteInteger(sBytes, output[at..]);
        output[0] = 0x30;
        output[1] = (byte)(at - 2);
        return at;
    }

    public static bool TryDecode(ReadOnlySpan<byte> der, out Fn r, out Fn s)
    {
        r = default;
        s = default;
        if (der.Length < 8 || der.Length > MaxLength || der[0] != 0x30 || der[1] != der.Length - 2)
        {
            return false;
        }

        var rest = der[2..];
        if (!TryReadInteger(ref rest, out r) || !TryReadInteger(ref rest, out s) || rest.Length != 0)
        {
            return false;
        }

        return (r.InRangeMask() & s.InRangeMask()) != 0;
    }

    private static int WriteInteger(ReadOnlySpan<byte> value, Span<byte> output)
    {
        var start = 0;
        while (start < value.Length - 1 && value[start] == 0)
        {
            start++;
        }

        var pad = value[start] >= 0x80 ? 1 : 0;
        var length = value.Length - start + pad;
        output[0] = 0x02;
        output[1] = (byte)length;
        output[2] = 0;
        value[start..].CopyTo(output[(2 + pad)..]);
        return 2 + length;
    }

    private static bool TryReadInteger(ref ReadOnlySpan<byte> input, out Fn value)
    {
        value = default;
        if (input.Length < 3 || input[0] != 0x02)
        {
            return false;
        }

        int length = input[1];
        if (length == 0 || length > 33 || input.Length < 2 + length)
        {
            return false;
        }

        var content = input.Slice(2, length);
        var negative = content[0] >= 0x80;
        var nonMinimal = length > 1 && content[0] == 0 && content[1] < 0x80;
        if (negative || nonMinimal || (length == 33 && content[0] != 0))
        {
            return false;
        }

        Span<byte> padded = stackalloc byte[32];
        padded.Clear();
        var magnitude = content[0] == 0 && length > 1 ? content[1..] : content;
        magnitude.CopyTo(padded[(32 - magnitude.Length)..]);
        value = Fn.FromBytesRaw(padded);
        input = input[(2 + length)..];
        return true;
    }
}
