using System.Globalization;

namespace Hub.Signing.Identifiers;

/// <summary>
/// 电子证照标识 (GB/T 36904-2018): <c>1.2.156.3005.2.{type}.{issuer}.{serial}.{version:000}.{check}</c>. The check
/// character is ISO/IEC 7064 MOD 37,36 over type+issuer+serial+version, without the root and the dots.
/// </summary>
public sealed record LicenseIdentifier(string TypeCode, string IssuerOrgCode, string Serial, int Version)
{
    public const string Root = "1.2.156.3005.2";
    public const int TypeCodeLength = 21;
    public const int MaxSerialLength = 32;
    private const string Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";

    // The text form, made once: an identifier is written out on every verification of it (lookups, the log entry),
    // and its check character costs a MOD 37,36 pass. Not part of equality, and not carried by `with`.
    private string? _text;

    private LicenseIdentifier(LicenseIdentifier original)
    {
        TypeCode = original.TypeCode;
        IssuerOrgCode = original.IssuerOrgCode;
        Serial = original.Serial;
        Version = original.Version;
    }

    public char Check => Mod3736.CheckCharacter(TypeCode + IssuerOrgCode + Serial + Version.ToString("000", CultureInfo.InvariantCulture));

    public override string ToString() =>
        _text ??= string.Create(CultureInfo.InvariantCulture, $"{Root}.{TypeCode}.{IssuerOrgCode}.{Serial}.{Version:000}.{Check}");

    public bool Equals(LicenseIdentifier? other) =>
        other is not null && TypeCode == other.TypeCode && IssuerOrgCode == other.IssuerOrgCode && Serial == other.Serial && Version == other.Version;

    public override int GetHashCode() => HashCode.Combine(TypeCode, IssuerOrgCode, Serial, Version);

    /// <summary>The same license at another version (new check character).</summary>
    public LicenseIdentifier WithVersion(int version) => this with { Version = version };

    /// <summary>Parses and checks an identifier; on failure <paramref name="problem"/> says what is wrong.</summary>
    public static bool TryParse(string? text, out LicenseIdentifier identifier, out string problem)
    {
        identifier = null!;
        problem = string.Empty;
        if (string.IsNullOrWhiteSpace(text) || !text.StartsWith(Root + ".", StringComparison.Ordinal))
        {
            problem = $"must start with the e-license root {Root}.";
            return false;
        }

        var parts = text[(Root.Length + 1)..].Split('.');
        if (parts.Length != 5)
        {
            problem = "must have five parts after the root: type, issuer, serial, version, check";
            return false;
        }

        var (type, issuer, serial, version, check) = (parts[0], parts[1], parts[2], parts[3], parts[4]);
        if (type.Length != TypeCodeLength || !type.All(IsCodeChar))
        {
            problem = $"the type code must be {TypeCodeLength} digits or upper-case letters";
        }
        else if (issuer.Length != UnifiedSocialCreditCode.Length || !issuer.All(IsCodeChar))
        {
            problem = "the issuer code must be an 18-character 统一社会信用代码";
        }
        else if (serial.Length is 0 or > MaxSerialLength || !serial.All(IsCodeChar))
        {
            problem = $"the serial must be 1-{MaxSerialLength} digits or upper-case letters";
        }
        else if (version.Length != 3 || !version.All(char.IsAsciiDigit) || version == "000")
        {
            problem = "the version must be three digits from 001";
        }
        else if (check.Length != 1)
        {
            problem = "the check character must be one character";
        }

        if (problem.Length > 0)
        {
            return false;
        }

        var parsed = new LicenseIdentifier(type, issuer, serial, int.Parse(version, CultureInfo.InvariantCulture));
        if (parsed.Check != check[0])
        {
            problem = "the check character does not match (GB/T 36904, ISO 7064 MOD 37,36)";
            return false;
        }

        // The text was just checked part by part, so it is the identifier's canonical form.
        parsed._text = text;
        identifier = parsed;
        return true;
    }

    private static bool IsCodeChar(char c) => Alphabet.Contains(c, StringComparison.Ordinal);
}
