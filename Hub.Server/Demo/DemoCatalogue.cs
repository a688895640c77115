using Hub.Catalogue.V1;
using Hub.Common.V1;

namespace Hub.Server.Demo;

/// <summary>
/// The demo's organisations and license types: Xi'an bureaus as issuers, the administrative approval bureau as the
/// platform team, the service centre's window system as verifier. Codes are well-formed demo codes, not real ones.
/// </summary>
internal static class DemoCatalogue
{
    public const string PlatformOrg = "11610100MB2C000011";      // 西安市行政审批服务局
    public const string MarketOrg = "11610100MB3M00002H";        // 西安市市场监督管理局
    public const string CivilAffairsOrg = "11610100MB4Y000032";  // 西安市民政局
    public const string RealEstateOrg = "11610100MB5N00004N";    // 西安市不动产登记中心
    public const string ServiceCentreOrg = "11610100MB6Y00005L"; // 西安市政务服务中心
    public const string PortalOrg = "11610100MB7W00006Q";        // 西安市民网上办事大厅
    public const string AuditOrg = "11610100MB8K00007T";         // 西安市审计局
    public const string SocialSecurityOrg = "11610100MB9R00008K"; // 西安市人力资源和社会保障局
    public const string HousingOrg = "11610100MBA3000094";       // 西安市住房保障中心

    public const string BusinessLicense = "11100000MB1A00101G001";
    public const string FoodLicense = "11100000MB1A00101G002";
    public const string MarriageCertificate = "11100000MB1M001020001";
    public const string RealEstateCertificate = "11100000MB1Y00103A001";

    public static IEnumerable<(string Key, string Org, string OrgName, string System, Role Role, DataLevel Clearance)> Callers =>
    [
        ("catalogue", PlatformOrg, "西安市行政审批服务局", "政务服务事项与目录管理系统", Role.Catalogue, DataLevel.L2Internal),
        ("issuer-market", MarketOrg, "西安市市场监督管理局", "市场主体登记系统", Role.Issuer, DataLevel.L3Sensitive),
        ("issuer-civil", CivilAffairsOrg, "西安市民政局", "婚姻登记系统", Role.Issuer, DataLevel.L3Sensitive),
        ("issuer-realestate", RealEstateOrg, "西安市不动产登记中心", "不动产登记系统", Role.Issuer, DataLevel.L3Sensitive),
        ("verifier", ServiceCentreOrg, "西安市政务服务中心", "综合受理窗口系统", Role.Verifier, DataLevel.L2Internal),
        ("portal", PortalOrg, "西安市民网上办事大厅", "一网通办门户", Role.Portal, DataLevel.L1Public),
        ("auditor", AuditOrg, "西安市审计局", "数据共享审计系统", Role.Auditor, DataLevel.L1Public),
        ("provider-hrss", SocialSecurityOrg, "西安市人力资源和社会保障局", "社会保险信息系统", Role.Provider, DataLevel.L3Sensitive),
        ("consumer-housing", HousingOrg, "西安市住房保障中心", "公租房资格审核系统", Role.Consumer, DataLevel.L2Internal),
    ];

    public const string SocialInsuranceResource = "610100-RS-SB-0001";

    /// <summary>A conditional resource (社会保险参保信息) the housing centre checks applicants against, with fields at every level.</summary>
    public static RegisterDataResourceRequest SocialInsurance(string endpoint) => new()
    {
        ResourceCode = SocialInsuranceResource,
        Name = "社会保险参保信息",
        ProviderOrgCode = SocialSecurityOrg,
        ProviderEndpoint = endpoint,
        KeyKind = HolderIdType.CitizenId,
        SharingType = SharingType.Conditional,
        SharingCondition = "用于住房保障、社会救助等政务服务事项的资格审核，须经人社部门同意",
        UpdateCycle = UpdateCycle.Daily,
        Fields =
        {
            Field("name", "姓名", FieldKind.String, true, DataLevel.L2Internal, MaskRule.Name),
            Field("insured_status", "参保状态", FieldKind.String, true, DataLevel.L1Public, MaskRule.None),
            Field("insured_since", "参保日期", FieldKind.Date, false, DataLevel.L2Internal, MaskRule.None),
            Field("employer", "参保单位", FieldKind.String, false, DataLevel.L2Internal, MaskRule.KeepEnds),
            Field("monthly_base", "缴费基数（元/月）", FieldKind.Number, false, DataLevel.L3Sensitive, MaskRule.KeepEnds),
            Field("bank_card", "社保卡金融账户", FieldKind.String, false, DataLevel.L3Sensitive, MaskRule.BankCard),
            Field("special_disease", "门诊特殊病种", FieldKind.String, false, DataLevel.L4HighlySensitive, MaskRule.KeepEnds),
        },
    };

    public static IEnumerable<RegisterLicenseTypeRequest> LicenseTypes =>
    [
        Type(BusinessLicense, "营业执照", "11100000MB1A00101G", [MarketOrg], HolderKind.Organization,
            Field("enterprise_name", "名称", FieldKind.String, true, DataLevel.L1Public, MaskRule.None),
            Field("enterprise_type", "类型", FieldKind.String, true, DataLevel.L1Public, MaskRule.None),
            Field("legal_representative", "法定代表人", FieldKind.String, true, DataLevel.L2Internal, MaskRule.Name),
            Field("registered_capital", "注册资本(万元)", FieldKind.Number, false, DataLevel.L1Public, MaskRule.None),
            Field("established_on", "成立日期", FieldKind.Date, true, DataLevel.L1Public, MaskRule.None),
            Field("address", "住所", FieldKind.String, true, DataLevel.L2Internal, MaskRule.Address),
            Field("business_scope", "经营范围", FieldKind.String, false, DataLevel.L1Public, MaskRule.None)),
        Type(FoodLicense, "食品经营许可证", "11100000MB1A00101G", [MarketOrg], HolderKind.Organization,
            Field("operator_name", "经营者名称", FieldKind.String, true, DataLevel.L1Public, MaskRule.None),
            Field("business_items", "经营项目", FieldKind.String, true, DataLevel.L1Public, MaskRule.None),
            Field("premises", "经营场所", FieldKind.String, true, DataLevel.L2Internal, MaskRule.Address),
            Field("person_in_charge", "负责人", FieldKind.String, true, DataLevel.L2Internal, MaskRule.Name)),
        Type(MarriageCertificate, "结婚证", "11100000MB1M001020", [CivilAffairsOrg], HolderKind.Person,
            Field("spouse_name", "配偶姓名", FieldKind.String, true, DataLevel.L3Sensitive, MaskRule.Name),
            Field("spouse_id_number", "配偶身份证件号", FieldKind.String, true, DataLevel.L4HighlySensitive, MaskRule.IdNumber),
            Field("registered_on", "登记日期", FieldKind.Date, true, DataLevel.L1Public, MaskRule.None),
            Field("registry", "登记机关", FieldKind.String, true, DataLevel.L1Public, MaskRule.None)),
        Type(RealEstateCertificate, "不动产权证书", "11100000MB1Y00103A", [RealEstateOrg], HolderKind.Person,
            Field("property_address", "坐落", FieldKind.String, true, DataLevel.L3Sensitive, MaskRule.Address),
            Field("area", "面积(平方米)", FieldKind.Number, true, DataLevel.L2Internal, MaskRule.None),
            Field("usage", "用途", FieldKind.String, true, DataLevel.L1Public, MaskRule.None),
            Field("right_type", "权利类型", FieldKind.String, true, DataLevel.L1Public, MaskRule.None)),
    ];

    public const string FoodBusinessMatter = "610100-XK-SCJG-0021";
    public const string PublicHousingMatter = "610100-GF-ZJ-0007";

    /// <summary>Real-shaped matters: a food business permit needs a business license; public rental housing needs marriage and property evidence.</summary>
    public static IEnumerable<RegisterMatterRequest> Matters =>
    [
        new RegisterMatterRequest
        {
            MatterCode = FoodBusinessMatter,
            Name = "食品经营许可（新办）",
            DepartmentCode = MarketOrg,
            Materials =
            {
                new Material { MaterialCode = "YYZZ", Name = "营业执照", AcceptedTypeCodes = { BusinessLicense }, NeededFields = { "enterprise_name", "legal_representative", "address" } },
            },
        },
        new RegisterMatterRequest
        {
            MatterCode = PublicHousingMatter,
            Name = "公共租赁住房申请",
            DepartmentCode = ServiceCentreOrg,
            Materials =
            {
                new Material { MaterialCode = "HYZM", Name = "婚姻状况证明", AcceptedTypeCodes = { MarriageCertificate }, NeededFields = { "registered_on", "spouse_name" } },
                new Material { MaterialCode = "ZFZM", Name = "住房情况证明（不动产权证书）", AcceptedTypeCodes = { RealEstateCertificate }, NeededFields = { "property_address", "area" } },
            },
        },
    ];

    private static RegisterLicenseTypeRequest Type(string code, string name, string definer, string[] issuers, HolderKind kind, params FieldSpec[] fields) => new()
    {
        TypeCode = code,
        Name = name,
        DefiningOrgCode = definer,
        IssuerOrgCodes = { issuers },
        HolderKind = kind,
        SharingType = SharingType.Unconditional,
        Fields = { fields },
    };

    private static FieldSpec Field(string name, string label, FieldKind kind, bool required, DataLevel level, MaskRule mask) =>
        new() { Name = name, Label = label, Kind = kind, Required = required, Level = level, Mask = mask };
}
