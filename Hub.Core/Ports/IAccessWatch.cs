namespace Hub.Core.Ports;

/// <summary>
/// Per-caller limits on what harvesting looks like, beside the request rate: how many distinct holders a caller reaches
/// in an hour, and how many EQUALS guesses about a field fail. Honest callers stay far below both; a verifier walking
/// serials or guessing a field's value runs into them. Counted per hub replica.
/// </summary>
public interface IAccessWatch
{
    /// <summary>Counts an access to a holder (by blind index); false when it would be a new holder past the caller's hourly limit.</summary>
    bool AdmitHolder(Guid callerId, ReadOnlySpan<byte> holderIndex);

    /// <summary>False when the caller has already spent its hourly budget of failed guesses.</summary>
    bool GuessesLeft(Guid callerId);

    /// <summary>Counts EQUALS assertions that did not hold.</summary>
    void CountFailedGuesses(Guid callerId, int failed);

    /// <summary>When the current window ends: what a refused caller is told to wait for.</summary>
    TimeSpan RetryAfter { get; }
}
