namespace Hub.Server.Infrastructure.Secrets;

/// <summary>A data key as stored: its purpose ("data", "blind-index"), version, and bytes sealed by the master key.</summary>
public sealed record StoredDataKey(string Purpose, short Version, byte[] KeySealed);

/// <summary>The data keys that encrypt personal data at rest and key the blind indexes.</summary>
public interface IDataKeyStore
{
    /// <summary>Stores version 1 of <paramref name="purpose"/> unless that purpose has a key (race-free across replicas).</summary>
    Task EnsureAsync(string purpose, Func<byte[]> sealedKey, CancellationToken cancellationToken);

    Task<IReadOnlyList<StoredDataKey>> ListAsync(CancellationToken cancellationToken);
}
