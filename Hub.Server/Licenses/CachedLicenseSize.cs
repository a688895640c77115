namespace Hub.Server.Licenses;

/// <summary>
/// About how many bytes a cached license version keeps alive on the managed heap — its two records, every string and
/// array they hold, and the face dictionary — so the content cache is bounded by memory, not by a count that a few
/// very large licenses could blow through. <c>CachedLicenseSizeUnitTests</c> holds the estimate to what the runtime
/// actually allocates for such a version.
/// </summary>
public static class CachedLicenseSize
{
    // Object header and method table (16 bytes on 64-bit) plus fields, rounded to the next 8.
    private const int StoredLicenseObject = 16 + 96;
    private const int SealedContentObject = 16 + 112;
    private const int HolderObject = 16 + 24;

    // Dictionary<string, string>: the object, its buckets (4 bytes a slot) and entries (24 bytes a slot), with slots
    // rounded up to the next prime above the count.
    private const int DictionaryObject = 16 + 64;
    private const int DictionarySlot = 4 + 24;

    // An allowance, not measured: the cache's own entry (MemoryCache's CacheEntry, its options and the key) and the
    // remembered seal verdict. The unit test measures everything else.
    public const int CacheOverhead = 320;

    public static long Estimate(StoredLicense license)
    {
        var content = license.Content;
        long bytes = StoredLicenseObject + SealedContentObject + HolderObject + CacheOverhead
            + Text(license.Identifier) + Text(license.StatusReason) + Text(license.CanonicalJson) + Text(license.SealKeyId)
            + Bytes(license.HolderIndex) + Bytes(license.ContentHash) + Bytes(license.Seal)
            + Text(content.Identifier) + Text(content.TypeCode) + Text(content.TypeName) + Text(content.LicenseNumber)
            + Text(content.IssuerOrgCode) + Text(content.IssuerOrgName) + Text(content.SourceSystem)
            + Text(content.Holder.Name) + Text(content.Holder.IdNumber)
            + DictionaryObject + (DictionarySlot * (content.Face.Count + 2L));
        foreach (var (name, value) in content.Face)
        {
            bytes += Text(name) + Text(value);
        }

        return bytes;
    }

    // A string: header, length and UTF-16 characters with a terminator, rounded to 8. Shared strings are counted each
    // time, which errs on the side of a smaller cache.
    private static long Text(string? s) => s is null ? 0 : Align(16 + 4 + (2L * (s.Length + 1)));

    private static long Bytes(byte[]? b) => b is null ? 0 : Align(16 + 8 + b.Length);

    private static long Align(long size) => (size + 7) & ~7L;
}
