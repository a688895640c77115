namespace Hub.Core.Validation;

/// <summary>
/// The limits on request fields, in one place (docs/errors.md lists them). Every store agrees with them: no column is
/// narrower than the limit of the field it holds.
/// </summary>
public static class InputLimits
{
    public const int NameLength = 200;
    public const int CodeLength = 64;
    public const int PurposeLength = 200;
    public const int ReasonLength = 500;
    public const int RequestIdLength = 128;
    public const int MaxRepeated = 100;
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 500;
    public const int PageTokenLength = 512;

    /// <summary>A 电子证照标识 (GB/T 36904) as text, with room for its separators.</summary>
    public const int IdentifierLength = 128;

    /// <summary>A UUID in text (caller_id, grant_id).</summary>
    public const int UuidLength = 36;

    /// <summary>A license type code: the defining organisation's 统一社会信用代码 and a 3-digit sequence.</summary>
    public const int TypeCodeLength = 21;

    /// <summary>An organisation's 统一社会信用代码.</summary>
    public const int OrgCodeLength = 18;

    /// <summary>A data resource's lookup key (an identity number or code).</summary>
    public const int KeyLength = 64;

    /// <summary>An audit action name filter (e.g. <c>licenses.IssueLicense</c>).</summary>
    public const int ActionLength = 100;

    /// <summary>Fields one grant, query or preview may name.</summary>
    public const int MaxSelectedFields = 200;

    /// <summary>Matters one grant may name.</summary>
    public const int MaxMatters = 20;

    /// <summary>A face (照面) field's or data resource field's name.</summary>
    public const int FieldNameLength = CodeLength;

    /// <summary>A face field's value, and what an EQUALS assertion compares it with.</summary>
    public const int FaceValueLength = 2000;

    /// <summary>Assertions one CheckLicense may ask.</summary>
    public const int MaxAssertions = 20;
}
