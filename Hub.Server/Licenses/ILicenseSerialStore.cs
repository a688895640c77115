namespace Hub.Server.Licenses;

/// <summary>Durable counters of license serials per (type, issuer).</summary>
public interface ILicenseSerialStore
{
    /// <summary>Takes the next <paramref name="count"/> counters in a committed transaction of its own; returns the last.</summary>
    Task<long> ReserveAsync(string typeCode, string issuerOrgCode, int count, CancellationToken cancellationToken);
}
