using Hub.Signing.Identifiers;

namespace Hub.Core.Validation;

/// <summary>The one parser of 电子证照标识 (GB/T 36904) from requests, shared by every feature that takes one.</summary>
public static class LicenseIdentifierInput
{
    /// <summary>The identifier, or null with a violation under <paramref name="field"/>.</summary>
    public static LicenseIdentifier? Parse(string? text, Violations violations, string field = "identifier")
    {
        var value = violations.Text(field, text, InputLimits.IdentifierLength);
        if (value.Length == 0 || value.Length > InputLimits.IdentifierLength)
        {
            return null;
        }

        if (!LicenseIdentifier.TryParse(value, out var identifier, out var problem))
        {
            violations.Add(field, $"is not a valid 电子证照标识 (GB/T 36904): {problem}");
            return null;
        }

        return identifier;
    }
}
