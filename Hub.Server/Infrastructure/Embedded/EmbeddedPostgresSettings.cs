namespace Hub.Server.Infrastructure.Embedded;

/// <summary>Where and how the embedded PostgreSQL cluster is provisioned.</summary>
public sealed record EmbeddedPostgresSettings
{
    /// <summary>The hub's state folder (<c>.hub/</c>); the cluster's location and password are recorded here.</summary>
    public required string StateDirectory { get; init; }

    /// <summary>Folder holding initdb and pg_ctl; found automatically when empty.</summary>
    public string? BinDirectory { get; init; }

    /// <summary>Port to try first; a free one is chosen when it is taken.</summary>
    public int PreferredPort { get; init; } = 55432;

    /// <summary>Throwaway clusters for tests skip fsync; the product never does.</summary>
    public bool Durable { get; init; } = true;

    public string DatabaseName { get; init; } = "hub";
}
