using Google.Protobuf.WellKnownTypes;

namespace Hub.Server.Callers;

/// <summary>Maps stored callers to admin.proto messages (never the key hash).</summary>
internal static class CallerMapping
{
    public static Hub.Admin.V1.Caller ToMessage(this CallerRecord record)
    {
        var message = new Hub.Admin.V1.Caller
        {
            CallerId = record.Caller.Id.ToString(),
            OrgCode = record.Caller.OrgCode,
            OrgName = record.Caller.OrgName,
            SystemName = record.Caller.SystemName,
            Roles = { record.Caller.Roles.Order() },
            Clearance = record.Caller.Clearance,
            ClientCertificateThumbprints = { record.CertificateThumbprints },
            Disabled = record.Disabled,
            DisabledReason = record.DisabledReason ?? string.Empty,
            CreatedAt = Timestamp.FromDateTimeOffset(record.CreatedAt),
            AssertionPublicKeyPem = record.AssertionKey is { } key ? System.Security.Cryptography.PemEncoding.WriteString("PUBLIC KEY", key) : string.Empty,
        };
        if (record.DisabledAt is { } disabledAt)
        {
            message.DisabledAt = Timestamp.FromDateTimeOffset(disabledAt);
        }

        return message;
    }
}
