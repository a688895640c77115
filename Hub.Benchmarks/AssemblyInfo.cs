using System.Runtime.Versioning;

// Benchmarks run the hub's Linux-only parts (embedded PostgreSQL).
[assembly: UnsupportedOSPlatform("windows")]
