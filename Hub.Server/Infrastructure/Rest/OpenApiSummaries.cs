namespace Hub.Server.Infrastructure.Rest;

/// <summary>
/// The summary of each REST operation in Chinese and English, for the people who read the OpenAPI document (and the
/// clients generated from it), by RPC name. An RPC given a route without a summary here fails the document's test.
/// </summary>
internal static class OpenApiSummaries
{
    public static IReadOnlyDictionary<string, (string Chinese, string English)> ByMethod { get; } = new Dictionary<string, (string, string)>(StringComparer.Ordinal)
    {
        ["IssueLicense"] = ("签发电子证照", "Issue an e-license"),
        ["AmendLicense"] = ("变更电子证照（生成新版本）", "Amend a license: a new sealed version"),
        ["ChangeLicenseStatus"] = ("暂扣、恢复、撤销或注销电子证照", "Suspend, reinstate, revoke or cancel a license"),
        ["GetLicense"] = ("查询电子证照", "Read a license as this caller may see it"),
        ["ListHolderLicenses"] = ("一人一档 / 一企一档：持证主体的电子证照", "A holder's current licenses"),
        ["ExportLicenseDocument"] = ("导出签名版式文件（XML）", "Export the signed XML document"),
        ["VerifyLicense"] = ("核验电子证照", "Verify a license by identifier or document"),
        ["CreatePresentation"] = ("亮证：生成一次性出示码", "Create a one-time presentation (亮证 QR code)"),
        ["VerifyPresentation"] = ("核验亮证出示码（仅一次）", "Verify a presentation token, once"),
        ["GetSigningKeys"] = ("获取签章公钥与文档证书", "The public seal keys and the document certificate"),
        ["CheckMatter"] = ("免证办：哪些申请材料无需提交", "免证办: which materials of a matter need not be submitted"),
        ["CheckLicense"] = ("证照信息核验（是/否）", "Yes/no checks against a holder's license"),
        ["AcceptOnCommitment"] = ("承诺办 / 容缺办：按承诺或容缺受理材料", "Accept a material on commitment or as deficient"),
        ["RecordBreach"] = ("记录违反承诺", "Record a breach of an obligation"),
        ["GetObligation"] = ("查询承诺/容缺义务", "Read an obligation"),
        ["ListObligations"] = ("承诺/容缺义务列表", "List obligations"),
        ["GrantDelegation"] = ("委托授权：授权他人代为用证", "Grant a delegate the use of licenses (委托授权)"),
        ["RevokeDelegation"] = ("撤销委托授权", "Revoke a delegation at once"),
        ["GetDelegation"] = ("查询委托授权", "Read a delegation"),
        ["ListDelegations"] = ("我的委托授权", "List the delegations a holder granted or holds"),
        ["Query"] = ("共享数据查询（经授权）", "Query a shared data resource under a grant"),
        ["RequestGrant"] = ("申请数据共享授权", "Request a grant on a data resource"),
        ["DecideGrant"] = ("审批数据共享授权", "Approve or refuse a pending grant"),
        ["RevokeGrant"] = ("撤回数据共享授权", "Revoke a grant"),
        ["GetGrant"] = ("查询授权", "Read a grant"),
        ["ListGrants"] = ("授权列表", "List grants"),
        ["RegisterLicenseType"] = ("登记证照类型", "Register a license type"),
        ["GetLicenseType"] = ("查询证照类型", "Read a license type"),
        ["ListLicenseTypes"] = ("证照类型目录", "List license types"),
        ["RegisterMatter"] = ("登记政务服务事项及材料", "Register a matter and its materials"),
        ["GetMatter"] = ("查询政务服务事项", "Read a matter"),
        ["ListMatters"] = ("政务服务事项目录", "List matters"),
        ["RegisterDataResource"] = ("登记共享数据资源", "Register a shared data resource"),
        ["GetDataResource"] = ("查询共享数据资源", "Read a shared data resource"),
        ["ListDataResources"] = ("共享数据资源目录", "List shared data resources"),
        ["PreviewDisclosure"] = ("预览某调用方可见的字段", "Preview what a caller would see, field by field"),
        ["QueryAccessLog"] = ("查询访问日志", "Query the access log"),
        ["GetCheckpoint"] = ("获取最新签名检查点", "The latest signed checkpoint"),
        ["GetInclusionProof"] = ("日志条目包含证明", "Inclusion proof of an entry"),
        ["GetConsistencyProof"] = ("日志一致性证明", "Consistency proof between two tree sizes"),
        ["GetEntries"] = ("按序读取日志条目", "Entries in index order, with their leaf hashes"),
        ["GetHolderAccessHistory"] = ("谁用了我的数据", "Who used this holder's data, when and why"),
        ["GetServiceFigures"] = ("免证办成效与考核数据（按日）", "A day's 免证办 figures and response times (the console's dashboard)"),
        ["GetAnomalies"] = ("访问异常：多持证人、非工作时间、拒绝", "Callers touching many holders, calls out of hours, refusals"),
        ["GetSession"] = ("当前调用方（控制台登录）", "The calling system itself: its organisation and roles (the console's sign-in)"),
    };
}
