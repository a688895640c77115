using System.Buffers.Text;
using System.Text;

namespace Hub.Core.Validation;

/// <summary>
/// A validated page request. The token is an opaque, versioned keyset cursor: stores decide what the
/// cursor means, callers only hand back what they were given.
/// </summary>
public sealed record PageRequest(int Size, string? Cursor)
{
    private const string TokenVersion = "p1:";

    public static PageRequest Parse(int pageSize, string? pageToken, Violations violations)
    {
        var size = pageSize;
        if (pageSize < 0 || pageSize > InputLimits.MaxPageSize)
        {
            violations.Add("page_size", $"must be between 0 and {InputLimits.MaxPageSize} (0 means {InputLimits.DefaultPageSize})");
        }
        else if (pageSize == 0)
        {
            size = InputLimits.DefaultPageSize;
        }

        string? cursor = null;
        if (!string.IsNullOrEmpty(pageToken))
        {
            cursor = pageToken.Length <= InputLimits.PageTokenLength ? DecodeToken(pageToken) : null;
            if (cursor is null)
            {
                violations.Add("page_token", "is not a token this service returned");
            }
        }

        return new PageRequest(size, cursor);
    }

    public static string EncodeToken(string cursor) =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes(TokenVersion + cursor));

    private static string? DecodeToken(string token)
    {
        try
        {
            var text = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(token));
            return text.StartsWith(TokenVersion, StringComparison.Ordinal) ? text[TokenVersion.Length..] : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
