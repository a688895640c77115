using System.Text;
using Hub.Signing.Sm2;

namespace Hub.Tests.Signing;

/// <summary>
/// SM3 of many messages at once must be, message for message, the SM3 of each alone: the access log's leaves are
/// hashed this way, and auditors recompute them one by one.
/// </summary>
[Trait("Category", "Unit")]
public sealed class Sm3LanesTests
{
    [Fact]
    public void The_standard_examples_hashed_together_give_their_published_hashes()
    {
        var (data, ends) = Concatenate([Encoding.ASCII.GetBytes("abc"), Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("abcd", 16)))]);
        var hashes = new byte[2 * Sm3.HashSize];

        Sm3.HashMany(data, ends, hashes);

        Assert.Equal("66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0", Convert.ToHexStringLower(hashes.AsSpan(0, 32)));
        Assert.Equal("debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732", Convert.ToHexStringLower(hashes.AsSpan(32, 32)));
    }

    [Fact]
    public void Every_length_around_the_block_and_padding_edges_agrees_with_one_at_a_time()
    {
        // 0–200 bytes cover every remainder of a 64-byte block, in particular 55 and 56 (where the padding spills
        // into a second block), in groups whose lanes finish at different blocks.
        var messages = Enumerable.Range(0, 201).Select(n => Enumerable.Range(0, n).Select(i => (byte)((i * 31) + n)).ToArray()).ToArray();
        AssertAgrees(messages);
    }

    [Fact]
    public void Random_batches_of_every_size_agree_with_one_at_a_time()
    {
        var random = new Random(20261206);
        foreach (var count in new[] { 1, 2, 7, 8, 9, 15, 16, 17, 63, 200 })
        {
            var messages = Enumerable.Range(0, count).Select(_ =>
            {
                var message = new byte[random.Next(0, random.Next(2) == 0 ? 900 : 5000)];
                random.NextBytes(message);
                return message;
            }).ToArray();
            AssertAgrees(messages);
        }
    }

    [Fact]
    public void Nothing_to_hash_is_nothing_and_ends_out_of_order_or_range_are_refused()
    {
        Sm3.HashMany([], [], []);

        Assert.Throws<ArgumentOutOfRangeException>(() => Sm3.HashMany(new byte[10], [5, 3], new byte[64]));
        Assert.Throws<ArgumentOutOfRangeException>(() => Sm3.HashMany(new byte[10], [5, 11], new byte[64]));
        Assert.Throws<ArgumentOutOfRangeException>(() => Sm3.HashMany(new byte[10], [5, 10], new byte[63]));
    }

    private static void AssertAgrees(byte[][] messages)
    {
        var (data, ends) = Concatenate(messages);
        var hashes = new byte[messages.Length * Sm3.HashSize];

        Sm3.HashMany(data, ends, hashes);

        for (var i = 0; i < messages.Length; i++)
        {
            Assert.True(
                Sm3.Hash(messages[i]).AsSpan().SequenceEqual(hashes.AsSpan(i * Sm3.HashSize, Sm3.HashSize)),
                $"message {i} of {messages.Length} ({messages[i].Length} bytes) differs");
        }
    }

    private static (byte[] Data, int[] Ends) Concatenate(byte[][] messages)
    {
        var ends = new int[messages.Length];
        var total = 0;
        for (var i = 0; i < messages.Length; i++)
        {
            total += messages[i].Length;
            ends[i] = total;
        }

        return ([.. messages.SelectMany(m => m)], ends);
    }
}
