using System.Globalization;
using System.Text.Json.Nodes;
using Hub.Common.V1;
using Hub.Core.Holders;
using Hub.Signing.Json;

namespace Hub.Server.Licenses;

/// <summary>
/// What a license version's seal covers, as canonical JSON (RFC 8785) with <c>"format": "hub.license.v1"</c>. It holds
/// the holder's plain identifier, so it is stored only encrypted and shown only to those who may see every field.
/// Status is not part of it: status is live.
/// </summary>
public sealed record SealedContent(
    string Identifier,
    string TypeCode,
    string TypeName,
    string LicenseNumber,
    int Version,
    HolderInput Holder,
    string IssuerOrgCode,
    string IssuerOrgName,
    DateTimeOffset IssuedAt,
    DateOnly ValidFrom,
    DateOnly? ValidUntil,
    IReadOnlyDictionary<string, string> Face)
{
    /// <summary>Imported (归集) licenses: when the source system first issued it. Sealed when present.</summary>
    public DateOnly? IssuedOn { get; init; }

    /// <summary>Imported (归集) licenses: the system it came from. Sealed when present.</summary>
    public string? SourceSystem { get; init; }

    public const string Format = "hub.license.v1";

    public string ToCanonicalJson()
    {
        var face = new JsonObject();
        foreach (var (name, value) in Face)
        {
            face[name] = value;
        }

        var json = new JsonObject
        {
            ["format"] = Format,
            ["identifier"] = Identifier,
            ["type_code"] = TypeCode,
            ["type_name"] = TypeName,
            ["license_number"] = LicenseNumber,
            ["version"] = Version,
            ["holder"] = new JsonObject
            {
                ["name"] = Holder.Name,
                ["id_type"] = Holder.IdType.ToString(),
                ["id_type_code"] = HolderIdTypes.Code(Holder.IdType),
                ["id_number"] = Holder.IdNumber,
            },
            ["issuer"] = new JsonObject { ["org_code"] = IssuerOrgCode, ["org_name"] = IssuerOrgName },
            ["issued_at"] = IssuedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            ["valid_from"] = ValidFrom.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ["face"] = face,
        };
        if (ValidUntil is { } until)
        {
            json["valid_until"] = until.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        }

        // Absent for licenses issued here, so their seals are unchanged.
        if (IssuedOn is { } issuedOn)
        {
            json["issued_on"] = issuedOn.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        }

        if (SourceSystem is { } source)
        {
            json["source_system"] = source;
        }

        return CanonicalJson.Serialize(json);
    }

    public static SealedContent Parse(string canonicalJson)
    {
        var json = JsonNode.Parse(canonicalJson)!.AsObject();
        if (json["format"]?.GetValue<string>() != Format)
        {
            throw new FormatException($"not a {Format} document");
        }

        var holder = json["holder"]!.AsObject();
        return new SealedContent(
            json["identifier"]!.GetValue<string>(),
            json["type_code"]!.GetValue<string>(),
            json["type_name"]!.GetValue<string>(),
            json["license_number"]!.GetValue<string>(),
            json["version"]!.GetValue<int>(),
            new HolderInput(holder["name"]!.GetValue<string>(), Enum.Parse<HolderIdType>(holder["id_type"]!.GetValue<string>()), holder["id_number"]!.GetValue<string>()),
            json["issuer"]!["org_code"]!.GetValue<string>(),
            json["issuer"]!["org_name"]!.GetValue<string>(),
            DateTimeOffset.Parse(json["issued_at"]!.GetValue<string>(), CultureInfo.InvariantCulture),
            DateOnly.ParseExact(json["valid_from"]!.GetValue<string>(), "yyyy-MM-dd", CultureInfo.InvariantCulture),
            json["valid_until"] is { } until ? DateOnly.ParseExact(until.GetValue<string>(), "yyyy-MM-dd", CultureInfo.InvariantCulture) : null,
            json["face"]!.AsObject().ToDictionary(p => p.Key, p => p.Value!.GetValue<string>()))
        {
            IssuedOn = json["issued_on"] is { } issuedOn ? DateOnly.ParseExact(issuedOn.GetValue<string>(), "yyyy-MM-dd", CultureInfo.InvariantCulture) : null,
            SourceSystem = json["source_system"]?.GetValue<string>(),
        };
    }
}
