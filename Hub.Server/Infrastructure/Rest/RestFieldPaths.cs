using System.Text;
using Google.Rpc;
using Grpc.Core;

namespace Hub.Server.Infrastructure.Rest;

/// <summary>
/// Field paths as a REST client wrote them: the rules name proto fields (<c>applicant.id_number</c>), the JSON API
/// names them in camelCase (<c>applicant.idNumber</c>), in the violations and in the message that quotes one.
/// </summary>
internal static class RestFieldPaths
{
    /// <summary>The same status with JSON field names, or null when it has no field violations.</summary>
    public static RpcException? InJsonNames(RpcException exception)
    {
        if (exception.GetRpcStatus() is not { } status || status.GetDetail<BadRequest>() is not { FieldViolations.Count: > 0 } badRequest)
        {
            return null;
        }

        var message = status.Message;
        foreach (var violation in badRequest.FieldViolations)
        {
            var json = JsonPath(violation.Field);
            if (message.StartsWith(violation.Field + ":", StringComparison.Ordinal))
            {
                message = json + message[violation.Field.Length..];
            }

            violation.Field = json;
        }

        var renamed = new Google.Rpc.Status { Code = status.Code, Message = message };
        foreach (var detail in status.Details)
        {
            renamed.Details.Add(detail.Is(BadRequest.Descriptor) ? Google.Protobuf.WellKnownTypes.Any.Pack(badRequest) : detail);
        }

        return renamed.ToRpcException();
    }

    /// <summary>"materials[0].needed_fields" → "materials[0].neededFields" (protobuf's JSON name rule).</summary>
    public static string JsonPath(string protoPath)
    {
        var json = new StringBuilder(protoPath.Length);
        var upper = false;
        foreach (var c in protoPath)
        {
            if (c == '_')
            {
                upper = true;
                continue;
            }

            json.Append(upper && char.IsAsciiLetterLower(c) ? char.ToUpperInvariant(c) : c);
            upper = false;
        }

        return json.ToString();
    }
}
