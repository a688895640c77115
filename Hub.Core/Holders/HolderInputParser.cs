using Hub.Common.V1;
using Hub.Core.Validation;

namespace Hub.Core.Holders;

/// <summary>
/// The one parser of holder identities from requests (身份证号 by GB 11643, 统一社会信用代码 by GB 32100, …). It holds the
/// legacy 统一社会信用代码 that fail their check character but are legal (<c>Hub:Licenses:LegacyUsccAllowList</c>), so
/// no call site has to pass them along.
/// </summary>
public sealed class HolderInputParser(IReadOnlySet<string> legacyUsccAllowList)
{
    public const int MaxIdNumberLength = 32;

    /// <summary>No legacy codes: for tests and tools.</summary>
    public static HolderInputParser Strict { get; } = new(new HashSet<string>());

    public IReadOnlySet<string> LegacyUsccAllowList { get; } = legacyUsccAllowList;

    /// <summary>Validates a wire <see cref="Holder"/>, reporting problems under <paramref name="field"/> (e.g. "holder").</summary>
    public HolderInput Parse(Holder? holder, string field, Violations violations, DateOnly today, bool nameRequired = true)
    {
        if (holder is null)
        {
            violations.Add(field, "is required");
            return new HolderInput(string.Empty, HolderIdType.Unspecified, string.Empty);
        }

        var name = violations.Text($"{field}.name", holder.Name, HolderInput.MaxNameLength, nameRequired);
        var type = violations.Enum($"{field}.id_type", holder.IdType);
        var number = HolderIdTypes.Normalize(violations.Text($"{field}.id_number", holder.IdNumber, MaxIdNumberLength));
        if (number.Length > 0 && type != HolderIdType.Unspecified && Enum.IsDefined(type) && Problem(type, number, today) is { } problem)
        {
            violations.Add($"{field}.id_number", problem);
        }

        return new HolderInput(name, type, number);
    }

    /// <summary>Why a normalized number is not a valid identifier of this type, or null when it is.</summary>
    public string? Problem(HolderIdType type, string normalizedNumber, DateOnly today) =>
        HolderIdTypes.Problem(type, normalizedNumber, today, LegacyUsccAllowList);
}
