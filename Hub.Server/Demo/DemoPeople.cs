using System.Globalization;
using Hub.Signing.Identifiers;

namespace Hub.Server.Demo;

/// <summary>
/// Made-up but well-formed holders for the demo: persons with valid 公民身份号码 from Xi'an districts and enterprises
/// with valid 统一社会信用代码. Deterministic, so every demo database looks the same.
/// </summary>
internal sealed class DemoPeople(int seed)
{
    private const string UsccAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
    private static readonly string[] Surnames = ["王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "马", "朱", "胡"];
    private static readonly string[] GivenNames = ["伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀兰", "霞", "平", "刚", "桂英", "嘉怡", "子涵", "浩然"];
    private static readonly string[] Districts = ["610102", "610103", "610104", "610111", "610112", "610113", "610114", "610115", "610116"];
    private static readonly string[] DistrictNames = ["新城区", "碑林区", "莲湖区", "灞桥区", "未央区", "雁塔区", "阎良区", "临潼区", "长安区"];
    private static readonly string[] Roads = ["长安北路", "南二环西段", "科技路", "凤城八路", "太白南路", "含光路", "电子正街", "雁塔西路", "西影路"];
    private static readonly string[] Trades = ["科技", "餐饮管理", "商贸", "文化传媒", "信息技术", "食品", "建筑工程", "物业服务"];

#pragma warning disable CA5394 // demo data only: reproducible, not secret
    private readonly Random _random = new(seed);

    public string PersonName() => Pick(Surnames) + Pick(GivenNames);

    public string CitizenId()
    {
        var birth = new DateOnly(1950, 1, 1).AddDays(_random.Next(0, 365 * 55));
        var first17 = Pick(Districts) + birth.ToString("yyyyMMdd", CultureInfo.InvariantCulture) + _random.Next(0, 1000).ToString("000", CultureInfo.InvariantCulture);
        return first17 + CitizenIdNumber.CheckCharacter(first17);
    }

    public string Uscc()
    {
        var body = "91610100" + new string([.. Enumerable.Range(0, 9).Select(_ => UsccAlphabet[_random.Next(UsccAlphabet.Length)])]);
        return body + UnifiedSocialCreditCode.CheckCharacter(body);
    }

    public string EnterpriseName() => $"西安{Pick(["秦川", "大雁", "曲江", "长乐", "未央", "丝路", "终南", "渭水"])}{Pick(Trades)}有限公司";

    public string Address()
    {
        var district = _random.Next(DistrictNames.Length);
        return $"陕西省西安市{DistrictNames[district]}{Pick(Roads)}{_random.Next(1, 300)}号";
    }

    public DateOnly DateBetween(DateOnly from, DateOnly to) => from.AddDays(_random.Next(0, to.DayNumber - from.DayNumber));

    public int Number(int min, int max) => _random.Next(min, max);

    public T Pick<T>(IReadOnlyList<T> items) => items[_random.Next(items.Count)];
#pragma warning restore CA5394
}
