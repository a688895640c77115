namespace Hub.Core.Contracts;

/// <summary>
/// The <c>action</c> of every access-log entry, one per RPC that writes one (<c>service.Method</c>), and one per change a
/// date makes (<c>licenses.Expired</c>, <c>exchange.GrantOverdue</c>, <c>exchange.GrantExpired</c>, <c>obligations.Overdue</c>, by the hub itself).
/// Entries are append-only and auditors filter by these names: public contract, never renamed.
/// </summary>
public static class AuditActions
{
    public const string AdminDisableCaller = "admin.DisableCaller";
    public const string AdminListCallers = "admin.ListCallers";
    public const string AdminRegisterCaller = "admin.RegisterCaller";
    public const string AdminRotateCallerKey = "admin.RotateCallerKey";
    public const string AdminRevokeSigningKey = "admin.RevokeSigningKey";
    public const string AdminRotateSigningKey = "admin.RotateSigningKey";
    public const string AuditGetHolderAccessHistory = "audit.GetHolderAccessHistory";
    public const string AuditQueryAccessLog = "audit.QueryAccessLog";
    public const string CatalogueRegisterDataResource = "catalogue.RegisterDataResource";
    public const string CatalogueRegisterLicenseType = "catalogue.RegisterLicenseType";
    public const string CatalogueRegisterMatter = "catalogue.RegisterMatter";
    public const string EventsRegisterWebhook = "events.RegisterWebhook";
    public const string EventsDeleteWebhook = "events.DeleteWebhook";
    public const string EventsReportSupervisionResult = "events.ReportSupervisionResult";
    public const string DelegationsGrantDelegation = "delegations.GrantDelegation";
    public const string DelegationsRevokeDelegation = "delegations.RevokeDelegation";
    public const string ExchangeDecideGrant = "exchange.DecideGrant";
    public const string ExchangeGrantExpired = "exchange.GrantExpired";
    public const string ExchangeGrantOverdue = "exchange.GrantOverdue";
    public const string ExchangeQuery = "exchange.Query";
    public const string ExchangeRequestGrant = "exchange.RequestGrant";
    public const string ExchangeRevokeGrant = "exchange.RevokeGrant";
    public const string ExemptionCheckLicense = "exemption.CheckLicense";
    public const string ExemptionCheckMatter = "exemption.CheckMatter";
    public const string ObligationsAcceptOnCommitment = "obligations.AcceptOnCommitment";
    public const string ObligationsGetObligation = "obligations.GetObligation";
    public const string ObligationsListObligations = "obligations.ListObligations";
    public const string ObligationsOverdue = "obligations.Overdue";
    public const string ObligationsRecordBreach = "obligations.RecordBreach";
    public const string LicensesAmendLicense = "licenses.AmendLicense";
    public const string LicensesChangeLicenseStatus = "licenses.ChangeLicenseStatus";
    public const string LicensesExpired = "licenses.Expired";
    public const string LicensesExportLicenseDocument = "licenses.ExportLicenseDocument";
    public const string LicensesGetLicense = "licenses.GetLicense";
    public const string LicensesImportLicenses = "licenses.ImportLicenses";
    public const string LicensesIssueLicense = "licenses.IssueLicense";
    public const string LicensesListHolderLicenses = "licenses.ListHolderLicenses";
    public const string VerificationCreatePresentation = "verification.CreatePresentation";
    public const string VerificationVerifyLicense = "verification.VerifyLicense";
    public const string VerificationVerifyPresentation = "verification.VerifyPresentation";
}

/// <summary>The <c>object_type</c> of access-log entries; public contract.</summary>
public static class AuditObjects
{
    public const string License = "license";
    public const string Holder = "holder";
    public const string LicenseType = "license_type";
    public const string Matter = "matter";
    public const string DataResource = "data_resource";
    public const string Grant = "grant";
    public const string Caller = "caller";
    public const string SigningKey = "signing_key";
    public const string AccessLog = "access_log";
    public const string Webhook = "webhook";
    public const string Obligation = "obligation";
    public const string Delegation = "delegation";
}

/// <summary>Fixed <c>outcome</c> values of access-log entries (others carry counts, e.g. <c>OK:3</c>); public contract.</summary>
public static class AuditOutcomes
{
    public const string Ok = "OK";
    public const string Imported = "IMPORTED";
    public const string Valid = "VALID";
    public const string Satisfied = "SATISFIED";
    public const string NotSatisfied = "NOT_SATISFIED";

    /// <summary>What every refusal's outcome starts with.</summary>
    public const string RefusedPrefix = "REFUSED:";

    /// <summary>A request refused after it reached a holder or a field: <c>REFUSED:&lt;reason&gt;</c>, so the holder sees the attempt.</summary>
    public static string Refused(string reason) => RefusedPrefix + reason;
}
