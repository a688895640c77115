using Hub.Common.V1;

namespace Hub.Core.Disclosure;

/// <summary>What may leave the hub: each disclosed value (plain or masked; withheld ones absent) and every decision.</summary>
public sealed record DisclosedRecord(IReadOnlyDictionary<string, string> Values, IReadOnlyList<FieldDisclosure> Decisions)
{
    /// <summary>True when nothing was masked or withheld.</summary>
    public bool AllPlain => Decisions.All(d => d.Decision == DisclosureDecision.Plain);

    /// <summary>Names of the fields that leave (plain or masked), for the access log.</summary>
    public IReadOnlyList<string> DisclosedFields => [.. Decisions.Where(d => d.Decision != DisclosureDecision.Withheld).Select(d => d.Field)];
}
