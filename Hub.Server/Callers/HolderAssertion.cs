using System.Text.Json;
using Hub.Common.V1;
using Hub.Core.Errors;
using Hub.Core.Holders;
using Hub.Core.Validation;
using Hub.Signing.Assertions;
using Hub.Signing.Sm2;

namespace Hub.Server.Callers;

/// <summary>
/// A portal's word for whom it acts (<see cref="HolderAssertionToken"/>): JSON naming the portal's own caller_id
/// (<c>aud</c>), the holder (<c>id_type</c> as the proto enum name, <c>id_number</c>), and when it was made and expires
/// (<c>iat</c>, <c>exp</c>, Unix seconds, at most <see cref="MaxLifetime"/> apart), signed with SM2-SM3 by the key
/// registered with the portal caller. docs/integration.md shows how to make one with OpenSSL.
/// </summary>
public static class HolderAssertion
{
    public const int MaxLength = 2048;
    public static readonly TimeSpan MaxLifetime = TimeSpan.FromMinutes(10);
    public static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(1);

    /// <summary>The holder the assertion names, or why it is refused (UNAUTHENTICATED HOLDER_ASSERTION_INVALID).</summary>
    public static Outcome<HolderInput> Verify(string text, Guid callerId, Sm2PublicKey? key, HolderInputParser holders, DateTimeOffset now)
    {
        if (key is null)
        {
            return Invalid("this caller has no registered assertion key (assertion_public_key_pem at registration).");
        }

        if (text.Length > MaxLength || !HolderAssertionToken.TryDecode(text, out var payload, out var signature))
        {
            return Invalid($"it must be {HolderAssertionToken.Prefix}<base64url payload>.<base64url signature>, at most {MaxLength} characters.");
        }

        if (!key.Verify(payload, signature))
        {
            return Invalid("its SM2 signature does not verify with this caller's registered assertion key.");
        }

        Claims? claims;
        try
        {
            claims = JsonSerializer.Deserialize<Claims>(payload, JsonOptions);
        }
        catch (JsonException)
        {
            claims = null;
        }

        if (claims is null || claims.Aud is null || claims.IdType is null || claims.IdNumber is null || claims.Iat is null || claims.Exp is null)
        {
            return Invalid("its payload must be JSON with aud, id_type, id_number, iat and exp.");
        }

        var issued = DateTimeOffset.FromUnixTimeSeconds(Math.Clamp(claims.Iat.Value, 0, 253_402_300_799));
        var expires = DateTimeOffset.FromUnixTimeSeconds(Math.Clamp(claims.Exp.Value, 0, 253_402_300_799));
        if (!Guid.TryParse(claims.Aud, out var audience) || audience != callerId)
        {
            return Invalid("it was made for another caller (aud must be this portal's caller_id).");
        }

        if (expires - issued > MaxLifetime || expires <= issued)
        {
            return Invalid($"it may live at most {MaxLifetime.TotalMinutes:0} minutes (exp - iat).");
        }

        if (now < issued - ClockSkew || now >= expires)
        {
            return Invalid("it has expired or is not valid yet; make a new one.");
        }

        var type = CommonReflection.Descriptor.FindTypeByName<Google.Protobuf.Reflection.EnumDescriptor>("HolderIdType")?.FindValueByName(claims.IdType) is { } value ? (HolderIdType)value.Number : HolderIdType.Unspecified;
        var violations = new Violations();
        var holder = holders.Parse(new Holder { IdType = type, IdNumber = claims.IdNumber }, "holder", violations, DateOnly.FromDateTime(now.ToOffset(Core.Time.ChinaCalendar.Offset).DateTime), nameRequired: false);
        return violations.ToError() is { } invalid
            ? Invalid("its holder is not valid: " + invalid.Message)
            : holder;
    }

    private static HubError Invalid(string why) =>
        new(HubErrorCode.Unauthenticated, Hub.Core.Contracts.ReasonCodes.HolderAssertionInvalid, "the holder assertion is refused: " + why);

    private static readonly JsonSerializerOptions JsonOptions = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    private sealed record Claims(string? Aud, string? IdType, string? IdNumber, long? Iat, long? Exp);
}
