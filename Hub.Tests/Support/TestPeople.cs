using System.Globalization;
using Hub.Signing.Identifiers;

namespace Hub.Tests.Support;

/// <summary>Fresh, valid identifiers for test holders, so tests never share a person.</summary>
public static class TestPeople
{
    /// <summary>A GB 11643 公民身份号码 born in 1985 in 西安市长安区, with its check character.</summary>
    public static string NewCitizenId()
    {
        var first17 = "610113" + "1985" + Random.Shared.Next(1, 13).ToString("00", CultureInfo.InvariantCulture)
            + Random.Shared.Next(1, 29).ToString("00", CultureInfo.InvariantCulture) + Random.Shared.Next(0, 1000).ToString("000", CultureInfo.InvariantCulture);
        return first17 + CitizenIdNumber.CheckCharacter(first17);
    }
}
