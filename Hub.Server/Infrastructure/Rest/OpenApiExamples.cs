namespace Hub.Server.Infrastructure.Rest;

/// <summary>
/// Realistic values for the OpenAPI examples, by proto field name: the Xi'an demo data's identifiers, so that an
/// example pasted into curl against the embedded default reaches real records.
/// </summary>
internal static class OpenApiExamples
{
    public static IReadOnlyDictionary<string, string> ByFieldName { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["request_id"] = "0b6f3c1e-2f7a-4c4e-9d61-5a1f8e2b7c90",
        ["identifier"] = "1.2.156.3005.2.11100000MB1A00101G001.11610100MB3M00002H.202600000001.001.N",
        ["license_identifier"] = "1.2.156.3005.2.11100000MB1A00101G001.11610100MB3M00002H.202600000001.001.N",
        ["type_code"] = "11100000MB1A00101G001",
        ["type_name"] = "营业执照",
        ["license_number"] = "9161010048WYW2LTKC",
        ["matter_code"] = "610100-XK-SCJG-0021",
        ["matter_name"] = "食品经营许可（新办）",
        ["material_code"] = "YYZZ",
        ["material_name"] = "营业执照",
        ["case_number"] = "XA-2026-000123",
        ["purpose"] = "食品经营许可审批",
        ["reason"] = "法定代表人变更",
        ["name"] = "西安曲江物业服务有限公司",
        ["id_number"] = "9161010048WYW2LTKC",
        ["org_code"] = "11610100MB3M00002H",
        ["org_name"] = "西安市市场监督管理局",
        ["issuer_org_code"] = "11610100MB3M00002H",
        ["issuer_org_name"] = "西安市市场监督管理局",
        ["issuer_org_codes"] = "11610100MB3M00002H",
        ["defining_org_code"] = "11100000MB1A00101G",
        ["department_code"] = "11610100MB3M00002H",
        ["provider_org_code"] = "11610100MB9R00008K",
        ["consumer_org_code"] = "11610100MBA3000094",
        ["resource_code"] = "610100-RS-SB-0001",
        ["resource_name"] = "社会保险参保信息",
        ["provider_endpoint"] = "https://sb-provider.rs.xa.gov.cn:8443",
        ["key"] = "610104199405186153",
        ["grant_id"] = "01a23743-b1c2-7d3e-8f40-5a6b7c8d9e0f",
        ["caller_id"] = "01a23743-a015-75e6-8c4f-29315dba44d7",
        ["system_name"] = "综合受理窗口系统",
        ["caller_org_name"] = "西安市政务服务中心",
        ["caller_system_name"] = "综合受理窗口系统",
        ["fields"] = "enterprise_name",
        ["needed_fields"] = "enterprise_name",
        ["accepted_type_codes"] = "11100000MB1A00101G001",
        ["key_id"] = "8fe5333f868f408a",
        ["algorithm"] = "SM2-SM3",
        ["token"] = "hp1.eyJ2IjoxfQ.MEUCIQD",
        ["page_token"] = "",
        ["next_page_token"] = "",
        ["action"] = "verification.VerifyLicense",
        ["checkpoint"] = "hub.xa.gov.cn/access-log\n278\nuhOv6MbWNlhxrT5CDIuW6U7E/MnrYYdnF2nn4MRQYHg=\n",
        ["label"] = "企业名称",
        ["field"] = "enterprise_name",
        ["rule"] = "within-clearance",
        ["sharing_condition"] = "用于政务服务事项办理，须经提供部门同意",
        ["source_system"] = "XA-SCJG-DJXT",
        ["status_reason"] = "",
        ["url"] = "https://supervision.xa.gov.cn/hub-events",
        ["id_type"] = "HOLDER_ID_TYPE_USCC",
        ["key_kind"] = "HOLDER_ID_TYPE_CITIZEN_ID",
        ["holder_kind"] = "HOLDER_KIND_ORGANIZATION",
        ["status"] = "LICENSE_STATUS_SUSPENDED",
    };

    /// <summary>Optional request fields worth showing in a request example (the rest are left to the schema).</summary>
    public static IReadOnlySet<string> UsefulOptional { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "case_number", "valid_until", "face", "page_size", "ttl_seconds", "matter_codes", "approve",
    };

    public static long NumberFor(string field) => field switch
    {
        "page_size" => 50,
        "ttl_seconds" => 120,
        "version" or "current_version" => 1,
        "tree_size" or "to_size" => 278,
        "from_size" => 270,
        "log_index" => 275,
        "count" => 100,
        _ => 1,
    };
}
