using System.Buffers.Text;
using System.Text;
using System.Text.Json.Nodes;
using Hub.Signing.Json;
using Hub.Signing.Sm2;

namespace Hub.Signing.Assertions;

/// <summary>
/// The wire form of a portal's holder assertion, shared by the hub (which verifies it) and clients (hubctl, tests)
/// that make one: <c>ha1.&lt;base64url payload&gt;.&lt;base64url signature&gt;</c>. The payload is RFC 8785 JSON —
/// <c>{"aud":caller_id,"exp":unix,"iat":unix,"id_number":…,"id_type":"HOLDER_ID_TYPE_…"}</c> — and the signature
/// SM2-SM3 (default distinguishing ID 1234567812345678, DER) over the payload's bytes exactly.
/// </summary>
public static class HolderAssertionToken
{
    public const string Prefix = "ha1.";

    /// <summary>A token naming the holder, made for the portal caller <paramref name="audience"/>, signed with its key.</summary>
    public static string Create(Sm2KeyPair key, Guid audience, string idTypeName, string idNumber, DateTimeOffset issuedAt, TimeSpan lifetime)
    {
        var payload = Encoding.UTF8.GetBytes(CanonicalJson.Serialize(new JsonObject
        {
            ["aud"] = audience.ToString(),
            ["exp"] = (issuedAt + lifetime).ToUnixTimeSeconds(),
            ["iat"] = issuedAt.ToUnixTimeSeconds(),
            ["id_number"] = idNumber,
            ["id_type"] = idTypeName,
        }));
        return Prefix + Base64Url.EncodeToString(payload) + "." + Base64Url.EncodeToString(key.Sign(payload));
    }

    /// <summary>Splits a token into its payload and signature; false when it is not of this form.</summary>
    public static bool TryDecode(string text, out byte[] payload, out byte[] signature)
    {
        payload = signature = [];
        var parts = text.StartsWith(Prefix, StringComparison.Ordinal) ? text[Prefix.Length..].Split('.') : [];
        if (parts.Length != 2)
        {
            return false;
        }

        try
        {
            payload = Base64Url.DecodeFromChars(parts[0]);
            signature = Base64Url.DecodeFromChars(parts[1]);
            return payload.Length > 0 && signature.Length > 0;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
