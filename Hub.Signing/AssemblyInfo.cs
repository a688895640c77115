using System.Runtime.CompilerServices;

// The SM2 engine's field and point arithmetic is internal; its tests and the timing (dudect-style) measurement reach in.
[assembly: InternalsVisibleTo("Hub.Tests")]
[assembly: InternalsVisibleTo("Hub.Benchmarks")]
