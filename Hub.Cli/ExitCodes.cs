namespace Hub.Cli;

/// <summary>hubctl's exit codes, the same for every command, so scripts can tell a refusal from an outage.</summary>
internal static class ExitCodes
{
    public const int Ok = 0;

    /// <summary>The hub answered and refused or failed the call (the status and reason are on stderr).</summary>
    public const int Refused = 1;

    /// <summary>A bad option, argument or input file: nothing was sent.</summary>
    public const int Usage = 2;

    /// <summary>The call worked and the answer is "no": a license not valid, import rows rejected.</summary>
    public const int Negative = 3;

    /// <summary>An audit or receipt check failed: the log, a checkpoint or a proof is not to be believed.</summary>
    public const int NotVerified = 4;

    /// <summary>The hub could not be reached: nothing listens at the address, the TLS certificate is not trusted, a timeout.</summary>
    public const int Unreachable = 5;

    /// <summary>Stopped by Ctrl+C (128 + SIGINT, as shells report it).</summary>
    public const int Cancelled = 130;

    public const string Help = """
        Exit codes: 0 done; 1 the hub refused the call (health: not serving); 2 bad option or input (nothing sent); 3 the answer is no
        (license not valid, import rows rejected); 4 an audit or receipt check failed; 5 the hub could not be reached
        (address, TLS trust, timeout); 130 cancelled.
        """;
}
