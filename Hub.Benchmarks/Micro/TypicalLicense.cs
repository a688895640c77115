namespace Hub.Benchmarks.Micro;

/// <summary>Sample content shaped like what the hub signs and logs.</summary>
internal static class TypicalLicense
{
    public const string Json = """
        {"face":{"address":"陕西省西安市碑林区凤城八路152号","business_scope":"一般项目：技术服务、技术开发；食品销售（仅销售预包装食品）",
        "enterprise_name":"西安曲江物业服务有限公司","enterprise_type":"有限责任公司(自然人投资或控股)","established_on":"2007-08-18",
        "legal_representative":"陈杰","registered_capital":"578"},"format":"hub.license.v1",
        "holder":{"id_number":"9161010048WYW2LTKC","id_type":"Uscc","id_type_code":"001","name":"西安曲江物业服务有限公司"},
        "identifier":"1.2.156.3005.2.11100000MB1A00101G001.11610100MB3M00002H.202600000001.001.N","issued_at":"2026-11-25T20:58:00Z",
        "issuer":{"org_code":"11610100MB3M00002H","org_name":"西安市市场监督管理局"},"license_number":"9161010048WYW2LTKC",
        "type_code":"11100000MB1A00101G001","type_name":"营业执照","valid_from":"2007-08-18","version":1}
        """;

    public const string AccessEntry = """
        {"action":"verification.VerifyLicense","caller_id":"01a21480-74fa-77e8-851f-54db31134b02","fields":["holder.name","category"],
        "format":"hub.access.v1","holder_index":"9f3c0a61b2e44d0f8e1c2a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f","log_index":261,
        "object_id":"1.2.156.3005.2.11100000MB1A00101G001.11610100MB3M00002H.202600000001.001.N","object_type":"license",
        "occurred_at":"2026-11-25T21:00:09.123456Z","outcome":"VALID","purpose":"食品经营许可审批"}
        """;
}
