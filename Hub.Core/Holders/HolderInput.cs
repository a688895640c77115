using Hub.Common.V1;
using Hub.Core.Validation;

namespace Hub.Core.Holders;

/// <summary>A validated holder from a request: name, id type and normalized number.</summary>
public sealed record HolderInput(string Name, HolderIdType IdType, string IdNumber)
{
    public const int MaxNameLength = 100;

    /// <summary>Validates a wire <see cref="Holder"/>, reporting problems under <paramref name="field"/> (e.g. "holder").</summary>
    public static HolderInput Parse(Holder? holder, string field, Violations violations, DateOnly today, IReadOnlySet<string>? legacyUsccAllowList, bool nameRequired = true)
    {
        if (holder is null)
        {
            violations.Add(field, "is required");
            return new HolderInput(string.Empty, HolderIdType.Unspecified, string.Empty);
        }

        var name = violations.Text($"{field}.name", holder.Name, MaxNameLength, nameRequired);
        var type = violations.Enum($"{field}.id_type", holder.IdType);
        var number = HolderIdTypes.Normalize(violations.Text($"{field}.id_number", holder.IdNumber, 32));
        if (number.Length > 0 && type != HolderIdType.Unspecified && Enum.IsDefined(type)
            && HolderIdTypes.Problem(type, number, today, legacyUsccAllowList) is { } problem)
        {
            violations.Add($"{field}.id_number", problem);
        }

        return new HolderInput(name, type, number);
    }
}
