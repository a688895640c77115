using System.Runtime.Versioning;

// The hub and its tests run on Linux (real PostgreSQL and Redis processes, Unix file modes).
[assembly: UnsupportedOSPlatform("windows")]
