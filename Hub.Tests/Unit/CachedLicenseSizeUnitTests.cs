using Hub.Common.V1;
using Hub.Core.Holders;
using Hub.Licenses.V1;
using Hub.Server.Licenses;

namespace Hub.Tests.Unit;

/// <summary>
/// The content cache is bounded by memory through <see cref="CachedLicenseSize"/>: its estimate must stay close to
/// what the runtime really allocates for a cached version (measured on this thread while building fresh copies), or
/// the configured megabytes would mean something else.
/// </summary>
public sealed class CachedLicenseSizeUnitTests
{
    private const int Copies = 2000;

    [Theory]
    [InlineData(3, 40, 600)]       // a small license
    [InlineData(7, 120, 1400)]     // a typical one
    [InlineData(30, 400, 12_000)]  // a large face
    public void TheEstimate_IsWithinAQuarterOfWhatAVersionReallyTakes(int faceFields, int valueLength, int jsonLength)
    {
        Build(faceFields, valueLength, jsonLength, 0); // the JIT and static state, outside the measurement
        var before = GC.GetAllocatedBytesForCurrentThread();
        var kept = new StoredLicense[Copies];
        for (var i = 0; i < Copies; i++)
        {
            kept[i] = Build(faceFields, valueLength, jsonLength, i);
        }

        var perVersion = (GC.GetAllocatedBytesForCurrentThread() - before - (24 + (8L * Copies))) / (double)Copies;
        var estimate = CachedLicenseSize.Estimate(kept[0]) - CachedLicenseSize.CacheOverhead;

        Assert.InRange(estimate, perVersion * 0.75, perVersion * 1.25);
        GC.KeepAlive(kept);
    }

    [Fact]
    public void ABiggerLicense_CostsTheCacheMore()
    {
        var small = CachedLicenseSize.Estimate(Build(3, 40, 600, 1));
        var large = CachedLicenseSize.Estimate(Build(30, 400, 12_000, 1));
        Assert.True(large > 10 * small, $"{small} vs {large}");
    }

    // Every string fresh, as a version read from PostgreSQL and decrypted is; the face presized, as the reader builds it.
    private static StoredLicense Build(int faceFields, int valueLength, int jsonLength, int seed)
    {
        string Text(int length, char c) => new(c, length);
        var face = new Dictionary<string, string>(faceFields);
        for (var f = 0; f < faceFields; f++)
        {
            face[$"field_{f}_{seed}"] = Text(valueLength, (char)('甲' + f));
        }

        var content = new SealedContent(
            Text(32, 'I'), Text(21, 'T'), Text(8, '证'), Text(12, 'N'), 1,
            new HolderInput(Text(3, '王'), HolderIdType.CitizenId, Text(18, '6')),
            Text(18, 'O'), Text(12, '局'), DateTimeOffset.UnixEpoch, new DateOnly(2026, 1, 1), null, face);
        return new StoredLicense(
            Guid.NewGuid(), Text(32, 'I'), 1, 1, LicenseStatus.Valid, null, new byte[32], Text(jsonLength, '{'), content, new byte[32], new byte[72], Text(22, 'K'));
    }
}
