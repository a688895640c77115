using System.Text.RegularExpressions;
using Hub.Common.V1;
using Hub.Signing.Identifiers;

namespace Hub.Core.Holders;

/// <summary>
/// Holder identifier types: their GB/T 36903 codes, how numbers are normalized, and what a valid number looks like.
/// CITIZEN_ID and USCC are checked by their check characters.
/// </summary>
public static partial class HolderIdTypes
{
    public static string Code(HolderIdType type) => type switch
    {
        HolderIdType.CitizenId => "111",
        HolderIdType.Uscc => "001",
        HolderIdType.Passport => "414",
        HolderIdType.HkMacaoPermit => "516",
        HolderIdType.TaiwanPermit => "511",
        HolderIdType.ForeignPermanentId => "553",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "no code for this holder id type"),
    };

    /// <summary>Only USCC identifies an organisation; every other type identifies a person.</summary>
    public static bool IsOrganization(HolderIdType type) => type == HolderIdType.Uscc;

    /// <summary>Upper case, no surrounding spaces: how numbers are stored, indexed and compared.</summary>
    public static string Normalize(string number) => number.Trim().ToUpperInvariant();

    /// <summary>Why a normalized number is not valid for its type, or null when it is.</summary>
    public static string? Problem(HolderIdType type, string number, DateOnly today, IReadOnlySet<string>? legacyUsccAllowList = null) => type switch
    {
        HolderIdType.CitizenId => CitizenIdNumber.Problem(number, today) is { } p ? $"is not a valid 公民身份号码 (GB 11643): {p}" : null,
        HolderIdType.Uscc => UnifiedSocialCreditCode.Problem(number) is { } p && legacyUsccAllowList?.Contains(number) != true
            ? $"is not a valid 统一社会信用代码 (GB 32100): {p}"
            : null,
        HolderIdType.Passport => Passport().IsMatch(number) ? null : "is not a passport number (5-17 letters or digits)",
        HolderIdType.HkMacaoPermit => HkMacao().IsMatch(number) ? null : "is not a 港澳居民来往内地通行证 number (H or M and 8-10 digits)",
        HolderIdType.TaiwanPermit => Taiwan().IsMatch(number) ? null : "is not a 台湾居民来往大陆通行证 number (8 or 10 digits)",
        HolderIdType.ForeignPermanentId => ForeignPermanent().IsMatch(number) ? null : "is not a 外国人永久居留身份证 number (3 letters and 12 digits, or 18 digits from 9)",
        _ => "is not a known holder id type",
    };

    [GeneratedRegex("^[A-Z0-9]{5,17}$")]
    private static partial Regex Passport();

    [GeneratedRegex("^[HM][0-9]{8,10}$")]
    private static partial Regex HkMacao();

    [GeneratedRegex("^([0-9]{8}|[0-9]{10})$")]
    private static partial Regex Taiwan();

    [GeneratedRegex("^([A-Z]{3}[0-9]{12}|9[0-9]{16}[0-9X])$")]
    private static partial Regex ForeignPermanent();
}
