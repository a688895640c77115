using Grpc.Net.Client;

namespace Hub.Benchmarks.Load;

/// <summary>
/// What the measured calls need of a hub set up for load: its connections, the callers' keys and the seeded licenses —
/// the same whether the calls run in the harness's process (<see cref="HubUnderLoad"/>) or in a client process of their
/// own (<see cref="ClientProcess"/>).
/// </summary>
internal interface ILoadTarget
{
    /// <summary>The measured calls' channels, one HTTP/2 connection each (<c>--connections</c>).</summary>
    IReadOnlyList<GrpcChannel> LoadChannels { get; }

    string VerifierKey { get; }

    string IssuerKey { get; }

    string ConsumerKey { get; }

    /// <summary>This run's data resource.</summary>
    string QueryResource { get; }

    /// <summary>The seeded licenses: identifier and holder's id number.</summary>
    IReadOnlyList<(string Identifier, string HolderId)> Seeded { get; }
}
