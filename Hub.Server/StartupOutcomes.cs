namespace Hub.Server;

/// <summary>
/// For start-up work the hub does for itself (the bootstrap ADMIN, the demo data): a refusal there is a defect, and
/// stops the start-up with its reason instead of going on half-seeded.
/// </summary>
internal static class StartupOutcomes
{
    public static T OrFail<T>(this Hub.Core.Errors.Outcome<T> outcome) =>
        outcome.Failed ? throw new InvalidOperationException($"start-up data was refused: {outcome.Error.Reason}: {outcome.Error.Message}") : outcome.Value;
}
