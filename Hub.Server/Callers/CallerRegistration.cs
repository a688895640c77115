using Hub.Admin.V1;
using Hub.Common.V1;
using Hub.Core.Errors;
using Hub.Core.Validation;
using Hub.Signing.Identifiers;
using Hub.Signing.Sm2;

namespace Hub.Server.Callers;

/// <summary>Validates a <see cref="RegisterCallerRequest"/>: every problem is reported at once, nothing is written.</summary>
public static class CallerRegistration
{
    public const int MaxCertificates = 10;
    public const int MaxPemLength = 1000;

    public static Outcome<NewCaller> Parse(RegisterCallerRequest request)
    {
        var violations = new Violations();
        var orgCode = violations.Text("org_code", request.OrgCode, UnifiedSocialCreditCode.Length).ToUpperInvariant();
        if (orgCode.Length > 0 && UnifiedSocialCreditCode.Problem(orgCode) is { } problem)
        {
            violations.Add("org_code", $"is not a valid 统一社会信用代码 (GB 32100): {problem}");
        }

        var orgName = violations.Text("org_name", request.OrgName, InputLimits.NameLength);
        var systemName = violations.Text("system_name", request.SystemName, InputLimits.NameLength);

        var roles = new HashSet<Role>();
        if (request.Roles.Count == 0)
        {
            violations.Add("roles", "name at least one role");
        }

        for (var i = 0; i < request.Roles.Count; i++)
        {
            roles.Add(violations.Enum($"roles[{i}]", request.Roles[i]));
        }

        var clearance = violations.Enum("clearance", request.Clearance);

        var thumbprints = new List<string>();
        if (request.ClientCertificateThumbprints.Count > MaxCertificates)
        {
            violations.Add("client_certificate_thumbprints", $"at most {MaxCertificates} certificates per caller");
        }

        for (var i = 0; i < request.ClientCertificateThumbprints.Count && i < MaxCertificates; i++)
        {
            var thumbprint = NormalizeThumbprint(request.ClientCertificateThumbprints[i]);
            if (thumbprint is null)
            {
                violations.Add($"client_certificate_thumbprints[{i}]", "must be a SHA-256 thumbprint: 64 hexadecimal digits (colons allowed)");
            }
            else if (!thumbprints.Contains(thumbprint))
            {
                thumbprints.Add(thumbprint);
            }
        }

        var assertionKey = AssertionKey(request.AssertionPublicKeyPem, roles.Contains(Role.Portal), violations);
        return violations.ToError() is { } error
            ? error
            : new NewCaller(orgCode, orgName, systemName, roles, clearance, thumbprints, assertionKey);
    }

    /// <summary>
    /// The SM2 public key a PORTAL signs its holder assertions with: required for PORTAL (without it the portal could
    /// act for no one), refused for other roles (they never act for a holder).
    /// </summary>
    private static byte[]? AssertionKey(string pem, bool portal, Violations violations)
    {
        const string field = "assertion_public_key_pem";
        if (string.IsNullOrWhiteSpace(pem))
        {
            if (portal)
            {
                violations.Add(field, "is required for a PORTAL: the SM2 public key (PEM) its holder assertions are signed with (docs/integration.md)");
            }

            return null;
        }

        if (!portal)
        {
            violations.Add(field, "is only for PORTAL callers");
            return null;
        }

        if (pem.Length > MaxPemLength)
        {
            violations.Add(field, $"must be at most {MaxPemLength} characters");
            return null;
        }

        try
        {
            return Sm2PublicKey.FromPem(pem).SubjectPublicKeyInfo;
        }
        catch (Exception e) when (e is FormatException or ArgumentException or InvalidOperationException or System.Security.Cryptography.CryptographicException)
        {
            violations.Add(field, "must be an SM2 public key in PEM (-----BEGIN PUBLIC KEY-----)");
            return null;
        }
    }

    /// <summary>Lower-case hex without separators, or null when it is not a SHA-256 thumbprint.</summary>
    public static string? NormalizeThumbprint(string value)
    {
        var hex = value.Replace(":", string.Empty, StringComparison.Ordinal).Trim().ToLowerInvariant();
        return hex.Length == 64 && hex.All(char.IsAsciiHexDigitLower) ? hex : null;
    }
}
