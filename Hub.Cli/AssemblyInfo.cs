using System.Runtime.Versioning;

// hubctl keeps keys and state with Unix file modes (0600/0700); like the hub, it runs on Linux.
[assembly: UnsupportedOSPlatform("windows")]
