using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Hub.Core.Contracts;
using Hub.Core.Errors;
using Hub.Server.Infrastructure.Hosting;
using Microsoft.AspNetCore.Grpc.JsonTranscoding;
using Microsoft.Extensions.Options;

namespace Hub.Server.Infrastructure.Rest;

/// <summary>
/// The REST/JSON facade's front door, between routing and the JSON transcoder. Every failure a REST client can cause
/// answers the documented <c>google.rpc.Status</c> JSON with an ErrorInfo reason (docs/errors.md, "REST"): a body
/// that is not JSON (<c>MALFORMED_JSON</c>, with line and column), another content type (415), a body over
/// <c>Hub:MaxMessageBytes</c> (413, <c>MESSAGE_TOO_LARGE</c>), unknown fields and wrong values (400 with camelCase field
/// paths and reasons, see <see cref="RestJsonChecker"/>), an unknown route (404) or verb (405), and a 401 names its
/// scheme in <c>WWW-Authenticate</c>.
/// </summary>
internal sealed class RestRequestGate(RequestDelegate next, IOptions<HubOptions> hub, RestRoutes routes)
{
    private static readonly JsonDocumentOptions DocumentOptions = new() { AllowTrailingCommas = false, CommentHandling = JsonCommentHandling.Disallow, MaxDepth = 64 };

    public async Task InvokeAsync(HttpContext context)
    {
        if (!context.Request.Path.StartsWithSegments("/v1", StringComparison.Ordinal) || IsGrpc(context.Request))
        {
            await next(context);
            return;
        }

        context.Response.OnStarting(static state =>
        {
            var response = (HttpResponse)state;
            if (response.StatusCode == StatusCodes.Status401Unauthorized)
            {
                response.Headers.WWWAuthenticate = "Bearer realm=\"hub\"";
            }

            return Task.CompletedTask;
        }, context.Response);

        var transcoded = context.GetEndpoint()?.Metadata.GetMetadata<GrpcJsonTranscodingMetadata>();
        if (transcoded is null)
        {
            await RefuseRouteAsync(context);
            return;
        }

        if (transcoded.HttpRule.Body is { Length: > 0 } body && !await CheckBodyAsync(context, transcoded, body))
        {
            return;
        }

        if (CheckQuery(context, transcoded) is { Count: > 0 } violations)
        {
            await RestStatus.WriteAsync(context, StatusCodes.Status400BadRequest, HubError.InvalidArgument(violations));
            return;
        }

        await next(context);
    }

    private static bool IsGrpc(HttpRequest request) =>
        request.ContentType?.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase) == true;

    private Task RefuseRouteAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? string.Empty;
        if (routes.MethodsFor(path) is { Count: > 0 } allowed)
        {
            context.Response.Headers.Allow = string.Join(", ", allowed);
            return RestStatus.WriteAsync(context, StatusCodes.Status405MethodNotAllowed, new HubError(HubErrorCode.Unimplemented, ReasonCodes.MethodNotAllowed,
                $"{context.Request.Method} is not allowed on this route; use {string.Join(" or ", allowed)}."));
        }

        return RestStatus.WriteAsync(context, StatusCodes.Status404NotFound, HubError.NotFound(ReasonCodes.RouteNotFound,
            "no REST route has this path; /openapi.json lists them."));
    }

    /// <summary>The body: JSON, within the size limit, every field known and of its kind; rewritten when normalised.</summary>
    private async Task<bool> CheckBodyAsync(HttpContext context, GrpcJsonTranscodingMetadata transcoded, string bodyField)
    {
        var request = context.Request;
        if (request.ContentType is not { } contentType || !IsJson(contentType))
        {
            await RestStatus.WriteAsync(context, StatusCodes.Status415UnsupportedMediaType, new HubError(HubErrorCode.InvalidArgument, ReasonCodes.UnsupportedContentType,
                $"send the body as JSON with 'Content-Type: application/json' (given: {(string.IsNullOrEmpty(request.ContentType) ? "none" : Cut(request.ContentType))})."));
            return false;
        }

        var limit = hub.Value.MaxMessageBytes;
        if (request.ContentLength > limit || await ReadAsync(request, limit) is not { } bytes)
        {
            await RestStatus.WriteAsync(context, StatusCodes.Status413PayloadTooLarge, new HubError(HubErrorCode.ResourceExhausted, ReasonCodes.MessageTooLarge,
                $"the body is larger than {limit} bytes (Hub:MaxMessageBytes)."));
            return false;
        }

        JsonNode? json;
        try
        {
            json = bytes.Length == 0 ? new JsonObject() : JsonNode.Parse(bytes, nodeOptions: null, DocumentOptions);
        }
        catch (JsonException e)
        {
            await RestStatus.WriteAsync(context, StatusCodes.Status400BadRequest, new HubError(HubErrorCode.InvalidArgument, ReasonCodes.MalformedJson,
                $"the body is not valid JSON (line {(e.LineNumber ?? 0) + 1}, byte {(e.BytePositionInLine ?? 0) + 1})."));
            return false;
        }

        var message = bodyField == "*" ? transcoded.MethodDescriptor.InputType : transcoded.MethodDescriptor.InputType.FindFieldByName(bodyField).MessageType;
        var violations = RestJsonChecker.Check(json, message, bodyField == "*" ? string.Empty : message.Name);
        if (violations.Count > 0)
        {
            await RestStatus.WriteAsync(context, StatusCodes.Status400BadRequest, HubError.InvalidArgument(violations));
            return false;
        }

        var normalised = Encoding.UTF8.GetBytes(json?.ToJsonString() ?? "{}");
        request.Body = new MemoryStream(normalised);
        request.ContentLength = normalised.Length;
        return true;
    }

    /// <summary>
    /// Path segments and query parameters, checked as the fields they name: a value of the wrong kind is a field
    /// violation (never the transcoder's exception text); enums may be short. A route with a JSON body takes no query
    /// parameters, and a field the path carries cannot be given again in the query (the transcoder would let the query
    /// win, so the URL a gateway or log records would not be the request served).
    /// </summary>
    private static List<FieldViolation> CheckQuery(HttpContext context, GrpcJsonTranscodingMetadata transcoded)
    {
        var input = transcoded.MethodDescriptor.InputType;
        var violations = new List<FieldViolation>();
        var pathValues = RestRoutes.PathValues(transcoded.HttpRule, context.Request.Path.Value ?? string.Empty);
        foreach (var (name, value) in pathValues)
        {
            if (FieldAt(input, name) is { } field)
            {
                RestJsonChecker.CheckText(field, Uri.UnescapeDataString(value), RestFieldPaths.JsonPath(name), violations);
            }
        }

        var rewritten = new List<KeyValuePair<string, string?>>();
        var changed = false;
        foreach (var (key, values) in context.Request.Query)
        {
            var field = FieldAt(input, key);
            if (transcoded.HttpRule.Body == "*")
            {
                violations.Add(new FieldViolation(key, "this route takes its fields in the JSON body, not in the query", FieldReasons.UnknownField));
                continue;
            }

            if (field is null)
            {
                violations.Add(new FieldViolation(key, $"{input.Name} has no field '{Cut(key)}'", FieldReasons.UnknownField));
                continue;
            }

            if (pathValues.Keys.Any(p => FieldAt(input, p) == field))
            {
                violations.Add(new FieldViolation(key, "is given in the path; do not repeat it in the query", FieldReasons.InvalidField));
                continue;
            }

            if (!field.IsRepeated && values.Count > 1)
            {
                violations.Add(new FieldViolation(key, "takes one value", FieldReasons.InvalidField));
                continue;
            }

            foreach (var value in values)
            {
                var passed = value is null ? null : RestJsonChecker.CheckText(field, value, key, violations);
                changed |= passed != value;
                rewritten.Add(new(key, passed ?? value));
            }
        }

        if (changed && violations.Count == 0)
        {
            context.Request.QueryString = QueryString.Create(rewritten);
        }

        return violations;
    }

    private static Google.Protobuf.Reflection.FieldDescriptor? FieldAt(Google.Protobuf.Reflection.MessageDescriptor message, string dotted)
    {
        Google.Protobuf.Reflection.FieldDescriptor? field = null;
        foreach (var part in dotted.Split('.'))
        {
            if (field is not null)
            {
                if (field.FieldType != Google.Protobuf.Reflection.FieldType.Message)
                {
                    return null;
                }

                message = field.MessageType;
            }

            field = message.Fields.InDeclarationOrder().FirstOrDefault(f => f.JsonName == part || f.Name == part);
            if (field is null)
            {
                return null;
            }
        }

        return field;
    }

    private static bool IsJson(string contentType)
    {
        var media = contentType.Split(';')[0].Trim();
        var charset = contentType.Split(';').Skip(1).Select(p => p.Trim()).FirstOrDefault(p => p.StartsWith("charset=", StringComparison.OrdinalIgnoreCase));
        return media.Equals("application/json", StringComparison.OrdinalIgnoreCase)
               && (charset is null || charset["charset=".Length..].Trim('"').Equals("utf-8", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>The body, or null when it is longer than <paramref name="limit"/> (a chunked body has no length to check first).</summary>
    private static async Task<byte[]?> ReadAsync(HttpRequest request, int limit)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, request.HttpContext.RequestAborted)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private static string Cut(string text) => text.Length <= 60 ? text : text[..60] + "…";
}
