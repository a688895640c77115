using System.Runtime.Versioning;

// The hub runs on Linux servers: it provisions PostgreSQL with runuser/pg_ctl and sets Unix file modes on secrets.
[assembly: UnsupportedOSPlatform("windows")]
