using System.Runtime.CompilerServices;

namespace Hub.Tests.Support;

/// <summary>
/// The test process drives processes (Patroni, HAProxy, Redis, hubs) with a few synchronous waits while load runs on
/// the thread pool; on two cores the pool starts with two threads and grows slowly, so a blocked thread would show as
/// latency of the hub under test. Enough threads from the start keep the client's own delays out of the figures.
/// </summary>
internal static class ThreadPoolSetup
{
    [ModuleInitializer]
    internal static void Initialize() => ThreadPool.SetMinThreads(64, 64);
}
