namespace Hub.Core.Contracts;

/// <summary>
/// Every <c>google.rpc.ErrorInfo.reason</c> the hub answers with. Reasons are part of the public contract (clients
/// branch on them; docs/errors.md lists each): never rename one, only add.
/// </summary>
public static class ReasonCodes
{
    public const string InvalidArgument = "INVALID_ARGUMENT";

    // The REST/JSON facade, before a request reaches its RPC (docs/errors.md, "REST").
    public const string MalformedJson = "MALFORMED_JSON";
    public const string UnsupportedContentType = "UNSUPPORTED_CONTENT_TYPE";
    public const string MessageTooLarge = "MESSAGE_TOO_LARGE";
    public const string RouteNotFound = "ROUTE_NOT_FOUND";
    public const string MethodNotAllowed = "METHOD_NOT_ALLOWED";
    public const string Unauthenticated = "UNAUTHENTICATED";
    public const string MalformedAuthorization = "MALFORMED_AUTHORIZATION";
    public const string MissingCredentials = "MISSING_CREDENTIALS";
    public const string UnknownCredentials = "UNKNOWN_CREDENTIALS";
    public const string CertificateNotInValidity = "CERTIFICATE_NOT_IN_VALIDITY";
    public const string HolderAssertionInvalid = "HOLDER_ASSERTION_INVALID";
    public const string HolderNotAsserted = "HOLDER_NOT_ASSERTED";
    public const string CallerDisabled = "CALLER_DISABLED";
    public const string NoRoleDeclared = "NO_ROLE_DECLARED";
    public const string RoleRequired = "ROLE_REQUIRED";
    public const string RateLimited = "RATE_LIMITED";
    public const string HolderLimitExceeded = "HOLDER_LIMIT_EXCEEDED";
    public const string GuessLimitExceeded = "GUESS_LIMIT_EXCEEDED";
    public const string AuthenticationThrottled = "AUTHENTICATION_THROTTLED";
    public const string DatabaseUnavailable = "DATABASE_UNAVAILABLE";
    public const string AccessLogUnavailable = "ACCESS_LOG_UNAVAILABLE";
    public const string RequestIdReused = "REQUEST_ID_REUSED";
    public const string RequestInProgress = "REQUEST_IN_PROGRESS";
    public const string CallerExists = "CALLER_EXISTS";
    public const string CallerNotFound = "CALLER_NOT_FOUND";
    public const string CertificateInUse = "CERTIFICATE_IN_USE";
    public const string LastAdmin = "LAST_ADMIN";
    public const string SigningKeyNotFound = "SIGNING_KEY_NOT_FOUND";
    public const string SigningKeyRevoked = "SIGNING_KEY_REVOKED";
    public const string LicenseTypeExists = "LICENSE_TYPE_EXISTS";
    public const string LicenseTypeNotFound = "LICENSE_TYPE_NOT_FOUND";
    public const string MatterExists = "MATTER_EXISTS";
    public const string MatterNotFound = "MATTER_NOT_FOUND";
    public const string MaterialNotFound = "MATERIAL_NOT_FOUND";
    public const string AcceptanceNotAllowed = "ACCEPTANCE_NOT_ALLOWED";
    public const string ApplicantInBreach = "APPLICANT_IN_BREACH";
    public const string LicenseHeld = "LICENSE_HELD";
    public const string ObligationNotFound = "OBLIGATION_NOT_FOUND";
    public const string ObligationClosed = "OBLIGATION_CLOSED";
    public const string NotObligationDepartment = "NOT_OBLIGATION_DEPARTMENT";
    public const string DelegationNotFound = "DELEGATION_NOT_FOUND";
    public const string NotDelegate = "NOT_DELEGATE";
    public const string DelegationRevoked = "DELEGATION_REVOKED";
    public const string DelegationExpired = "DELEGATION_EXPIRED";
    public const string DelegationUsed = "DELEGATION_USED";
    public const string DelegationEnded = "DELEGATION_ENDED";
    public const string DelegationOutOfScope = "DELEGATION_OUT_OF_SCOPE";
    public const string DelegationClosed = "DELEGATION_CLOSED";
    public const string LegalRepresentativeUnknown = "LEGAL_REPRESENTATIVE_UNKNOWN";
    public const string DataResourceExists = "DATA_RESOURCE_EXISTS";
    public const string DataResourceNotFound = "DATA_RESOURCE_NOT_FOUND";
    public const string ResourceNotShared = "RESOURCE_NOT_SHARED";
    public const string LicenseNotFound = "LICENSE_NOT_FOUND";
    public const string NotIssuerOfLicense = "NOT_ISSUER_OF_LICENSE";
    public const string NotHolder = "NOT_HOLDER";
    public const string LicenseNumberExists = "LICENSE_NUMBER_EXISTS";
    public const string IssuerNotAllowed = "ISSUER_NOT_ALLOWED";
    public const string LicenseFinal = "LICENSE_FINAL";
    public const string NotCurrentVersion = "NOT_CURRENT_VERSION";
    public const string StatusTransitionRefused = "STATUS_TRANSITION_REFUSED";
    public const string FieldNotDisclosable = "FIELD_NOT_DISCLOSABLE";
    public const string NoCheckpointYet = "NO_CHECKPOINT_YET";
    public const string NotYetCheckpointed = "NOT_YET_CHECKPOINTED";
    public const string GrantNotFound = "GRANT_NOT_FOUND";
    public const string GrantAlreadyPending = "GRANT_ALREADY_PENDING";
    public const string GrantNotPending = "GRANT_NOT_PENDING";
    public const string GrantNotActive = "GRANT_NOT_ACTIVE";
    public const string NotProviderOfResource = "NOT_PROVIDER_OF_RESOURCE";
    public const string NotPartyToGrant = "NOT_PARTY_TO_GRANT";
    public const string ScopeNotAllowed = "SCOPE_NOT_ALLOWED";
    public const string NoGrant = "NO_GRANT";
    public const string GrantPending = "GRANT_PENDING";
    public const string GrantRejected = "GRANT_REJECTED";
    public const string GrantExpired = "GRANT_EXPIRED";
    public const string GrantRevoked = "GRANT_REVOKED";
    public const string RecordNotFound = "RECORD_NOT_FOUND";
    public const string ProviderUnavailable = "PROVIDER_UNAVAILABLE";
    public const string ProviderTimeout = "PROVIDER_TIMEOUT";
    public const string ProviderFailed = "PROVIDER_FAILED";
    public const string ProviderBusy = "PROVIDER_BUSY";

    // Events and webhooks
    public const string EventsExpired = "EVENTS_EXPIRED";
    public const string EventIdAhead = "EVENT_ID_AHEAD";
    public const string WebhookNotFound = "WEBHOOK_NOT_FOUND";
    public const string WebhookLimitReached = "WEBHOOK_LIMIT_REACHED";
}

/// <summary>Why a verification or a presentation is refused (<c>reason</c> of VerifyLicense / VerifyPresentation); public contract.</summary>
public static class RefusalReasons
{
    public const string IdentifierInvalid = "IDENTIFIER_INVALID";
    public const string DocumentSignatureInvalid = "DOCUMENT_SIGNATURE_INVALID";
    public const string SealInvalid = "SEAL_INVALID";
    public const string KeyUnknown = "KEY_UNKNOWN";
    public const string KeyRevoked = "KEY_REVOKED";
    public const string NotYetValid = "NOT_YET_VALID";
    public const string Expired = "EXPIRED";
    public const string Superseded = "SUPERSEDED";
    public const string BadSignature = "BAD_SIGNATURE";
    public const string AlreadyUsed = "ALREADY_USED";
    public const string LicenseNotValid = "LICENSE_NOT_VALID";
    public const string HolderMismatch = "HOLDER_MISMATCH";

    /// <summary>The presentation was made under a delegation that was revoked or ended since.</summary>
    public const string DelegationWithdrawn = "DELEGATION_WITHDRAWN";
}

/// <summary>Why one field of a request is refused (<c>BadRequest.FieldViolation.reason</c>); public contract.</summary>
public static class FieldReasons
{
    /// <summary>The value breaks the field's rule (the description says which).</summary>
    public const string InvalidField = "INVALID_FIELD";

    /// <summary>REST: the request names a field the message does not have.</summary>
    public const string UnknownField = "UNKNOWN_FIELD";

    /// <summary>REST: a JSON value of the wrong kind (a string where a number is expected, …).</summary>
    public const string WrongType = "WRONG_JSON_TYPE";

    /// <summary>REST: an enum value the field does not have (the description lists those it has).</summary>
    public const string InvalidEnumValue = "INVALID_ENUM_VALUE";

    /// <summary>REST: a date neither <c>YYYY-MM-DD</c> nor <c>{year, month, day}</c>.</summary>
    public const string InvalidDate = "INVALID_DATE";
}

/// <summary>Why an ImportLicenses record is rejected (<c>ImportRejection.code</c>); public contract.</summary>
public static class ImportRejectionCodes
{
    public const string LicenseTypeNotFound = "LICENSE_TYPE_NOT_FOUND";
    public const string InvalidField = "INVALID_FIELD";
    public const string IssuerNotAllowed = "ISSUER_NOT_ALLOWED";
    public const string LicenseNumberConflict = "LICENSE_NUMBER_CONFLICT";
    public const string DuplicateInBatch = "DUPLICATE_IN_BATCH";
}

/// <summary>The checks VerifyLicense reports, by name (<c>Check.name</c>); public contract.</summary>
public static class VerificationChecks
{
    public const string DocumentSignature = "DOCUMENT_SIGNATURE";
    public const string Identifier = "IDENTIFIER";
    public const string Seal = "SEAL";
    public const string Key = "KEY";
    public const string Status = "STATUS";
    public const string Validity = "VALIDITY";
    public const string CurrentVersion = "CURRENT_VERSION";
    public const string Holder = "HOLDER";
}
