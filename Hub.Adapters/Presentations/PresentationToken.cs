using System.Buffers.Text;
using System.Text;
using System.Text.Json.Nodes;
using Hub.Signing.Json;

namespace Hub.Adapters.Presentations;

/// <summary>
/// A 亮证 token: <c>hp1.&lt;base64url payload&gt;.&lt;base64url signature&gt;</c>. The payload is canonical JSON of the
/// identifier, the presented fields, the expiry (Unix seconds), a 128-bit nonce and the signing key's id; the SM2
/// signature covers the payload bytes exactly.
/// </summary>
public sealed record PresentationToken(string Identifier, IReadOnlyList<string> Fields, long ExpiresAt, string Nonce, string KeyId)
{
    public const string Prefix = "hp1.";

    /// <summary>The delegation a delegate presented under (claim <c>d</c>, absent otherwise), so the verification is logged with it.</summary>
    public Guid? DelegationId { get; init; }

    public byte[] Payload()
    {
        var json = new JsonObject
        {
            ["id"] = Identifier,
            ["f"] = new JsonArray([.. Fields.Select(f => (JsonNode)f)]),
            ["exp"] = ExpiresAt,
            ["n"] = Nonce,
            ["k"] = KeyId,
        };
        if (DelegationId is { } delegation)
        {
            json["d"] = delegation.ToString();
        }

        return CanonicalJson.SerializeToUtf8(json);
    }

    public static string Encode(byte[] payload, byte[] signature) =>
        Prefix + Base64Url.EncodeToString(payload) + "." + Base64Url.EncodeToString(signature);

    /// <summary>Splits and parses a token; false for anything that is not one of ours.</summary>
    public static bool TryDecode(string token, out PresentationToken parsed, out byte[] payload, out byte[] signature)
    {
        parsed = null!;
        payload = [];
        signature = [];
        if (!token.StartsWith(Prefix, StringComparison.Ordinal) || token.Length > 4096)
        {
            return false;
        }

        var parts = token[Prefix.Length..].Split('.');
        if (parts.Length != 2)
        {
            return false;
        }

        try
        {
            payload = Base64Url.DecodeFromChars(parts[0]);
            signature = Base64Url.DecodeFromChars(parts[1]);
            var json = JsonNode.Parse(Encoding.UTF8.GetString(payload))!.AsObject();
            parsed = new PresentationToken(
                json["id"]!.GetValue<string>(),
                [.. json["f"]!.AsArray().Select(f => f!.GetValue<string>())],
                json["exp"]!.GetValue<long>(),
                json["n"]!.GetValue<string>(),
                json["k"]!.GetValue<string>())
            {
                DelegationId = json["d"] is { } d ? Guid.Parse(d.GetValue<string>()) : null,
            };
            return true;
        }
        catch (Exception e) when (e is FormatException or System.Text.Json.JsonException or InvalidOperationException or NullReferenceException)
        {
            return false;
        }
    }
}
