namespace Hub.Core.Validation;

/// <summary>The limits on request fields that hold everywhere (ARCHITECTURE.md "Limits everywhere").</summary>
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
}
