using System.Collections.Concurrent;
using System.Globalization;

namespace Hub.Server.Licenses;

/// <summary>
/// Serial numbers per (type, issuer) without a convoy: each replica reserves a block of serials in a short
/// transaction of its own and hands them out from memory, so concurrent issues of one type by one issuer never wait
/// on each other's transactions. A reserved block is durable before any of its serials is used, so two replicas (or a
/// replica before and after a crash) never hand out one serial twice; serials of a block not used before a restart,
/// or of an issue that failed, are skipped — identifiers are unique, not gap-free.
/// </summary>
public sealed class LicenseSerials(ILicenseSerialStore store)
{
    /// <summary>Serials one reservation takes for IssueLicense: few enough that a restart skips little.</summary>
    public const int BlockSize = 32;

    private readonly ConcurrentDictionary<(string Type, string Issuer), Block> _blocks = new();

    /// <summary>The next serial for an issuer and type: the year and an 8-digit counter, e.g. 202600000001.</summary>
    public async Task<string> NextAsync(string typeCode, string issuerOrgCode, int year, CancellationToken cancellationToken)
    {
        var block = _blocks.GetOrAdd((typeCode, issuerOrgCode), _ => new Block());
        await block.Lock.WaitAsync(cancellationToken);
        try
        {
            if (block.Next > block.Last)
            {
                var last = await ReserveAsync(typeCode, issuerOrgCode, BlockSize, cancellationToken);
                (block.Next, block.Last) = (last - BlockSize + 1, last);
            }

            return Format(year, block.Next++);
        }
        finally
        {
            block.Lock.Release();
        }
    }

    /// <summary>Reserves <paramref name="count"/> consecutive serials at once (bulk import) and returns the first counter.</summary>
    public async Task<long> ReserveRangeAsync(string typeCode, string issuerOrgCode, int count, CancellationToken cancellationToken) =>
        await ReserveAsync(typeCode, issuerOrgCode, count, cancellationToken) - count + 1;

    public static string Format(int year, long counter) => string.Create(CultureInfo.InvariantCulture, $"{year:0000}{counter:00000000}");

    private Task<long> ReserveAsync(string typeCode, string issuerOrgCode, int count, CancellationToken cancellationToken) =>
        store.ReserveAsync(typeCode, issuerOrgCode, count, cancellationToken);

    private sealed class Block
    {
        public SemaphoreSlim Lock { get; } = new(1, 1);

        public long Next { get; set; } = 1;

        public long Last { get; set; }
    }
}
