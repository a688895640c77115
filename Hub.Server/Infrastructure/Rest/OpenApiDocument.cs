using System.Text.Json;
using System.Text.Json.Nodes;
using Google.Api;
using Google.Protobuf.Reflection;
using Hub.Core.Callers;
using Microsoft.AspNetCore.Grpc.JsonTranscoding;

namespace Hub.Server.Infrastructure.Rest;

/// <summary>
/// The OpenAPI 3.1 description of every REST/JSON route, served at <c>/openapi.json</c> (no key needed), built from
/// the routes the transcoder actually serves and their protobuf descriptors: operation ids, Chinese and English
/// summaries, the roles each needs, bearer and mutual-TLS security, path and query parameters, request and response
/// schemas with required fields and examples, and the google.rpc.Status error responses. Built once, per replica.
/// <c>servers</c> is relative ("/"): the hub this document was fetched from, whatever name reached it — never a host
/// name taken from the request, which a cache could be tricked into serving to others.
/// </summary>
internal sealed class OpenApiDocument(EndpointDataSource endpoints)
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static readonly (string Code, string Name, string Status, string Description)[] Errors =
    [
        ("400", "BadRequest", "INVALID_ARGUMENT", "Bad input (a field violation per field, camelCase paths), malformed JSON, or a failed precondition"),
        ("401", "Unauthorized", "UNAUTHENTICATED", "No valid API key or client certificate"),
        ("403", "Forbidden", "PERMISSION_DENIED", "The caller lacks the role or grant (ErrorInfo reason, e.g. ROLE_REQUIRED)"),
        ("404", "NotFound", "NOT_FOUND", "No such record, or no such route (ROUTE_NOT_FOUND)"),
        ("409", "Conflict", "ALREADY_EXISTS", "Registered already with different content, or a request_id reused for another request"),
        ("413", "PayloadTooLarge", "RESOURCE_EXHAUSTED", "The body is larger than Hub:MaxMessageBytes (MESSAGE_TOO_LARGE)"),
        ("415", "UnsupportedMediaType", "INVALID_ARGUMENT", "The body is not application/json (UNSUPPORTED_CONTENT_TYPE)"),
        ("429", "TooManyRequests", "RESOURCE_EXHAUSTED", "Rate or holder limit reached; RetryInfo says when to try again"),
        ("500", "Internal", "INTERNAL", "A fault in the hub; nothing half-written"),
        ("503", "Unavailable", "UNAVAILABLE", "A dependency is down (PostgreSQL, a provider); RetryInfo says when to try again"),
        ("504", "GatewayTimeout", "DEADLINE_EXCEEDED", "The call's deadline passed (e.g. a provider did not answer in time)"),
    ];

    private readonly Lazy<string> _document = new(() => Build(endpoints).ToJsonString(Indented));

    public IResult Write() => Results.Text(_document.Value, "application/json");

    private static JsonObject Build(EndpointDataSource endpoints)
    {
        var schemas = new OpenApiSchemas(OpenApiSchemas.LoadComments());
        var paths = new JsonObject();
        var tags = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var routes = endpoints.Endpoints
            .Select(e => (Endpoint: e, Transcoding: e.Metadata.GetMetadata<GrpcJsonTranscodingMetadata>()))
            .Where(r => r.Transcoding is not null)
            .SelectMany(r => new[] { r.Transcoding!.HttpRule }.Concat(r.Transcoding.HttpRule.AdditionalBindings).Select(rule => (r.Endpoint, r.Transcoding.MethodDescriptor, Rule: rule)))
            .DistinctBy(r => (RestRoutes.PathTemplate(r.Rule), RestRoutes.Method(r.Rule)))
            .OrderBy(r => RestRoutes.PathTemplate(r.Rule), StringComparer.Ordinal);
        foreach (var (endpoint, method, rule) in routes)
        {
            var tag = method.Service.Name;
            tags[tag] = schemas.Comment($"T:{method.Service.File.GetOptions()?.CsharpNamespace}.{method.Service.Name}") ?? method.Service.FullName;
            var (path, pathFields) = OpenApiPath(RestRoutes.PathTemplate(rule), method.InputType);
            var item = paths[path] as JsonObject ?? [];
            item[RestRoutes.Method(rule).ToLowerInvariant()] = Operation(endpoint, method, rule, pathFields, schemas, tag);
            paths[path] = item;
        }

        var components = new JsonObject
        {
            ["schemas"] = Sorted(schemas.Components),
            ["responses"] = ErrorResponses(),
            ["securitySchemes"] = new JsonObject
            {
                ["bearerAuth"] = new JsonObject
                {
                    ["type"] = "http",
                    ["scheme"] = "bearer",
                    ["description"] = "The caller's API key: `Authorization: Bearer <api key>` (调用方 API 密钥).",
                },
                ["mutualTLS"] = new JsonObject
                {
                    ["type"] = "mutualTLS",
                    ["description"] = "A client certificate whose SHA-256 thumbprint is registered to the caller, on the TLS port (双向 TLS).",
                },
            },
        };
        schemas.Components["google.rpc.Status"] = StatusSchema();
        components["schemas"] = Sorted(schemas.Components);
        return new JsonObject
        {
            ["openapi"] = "3.1.0",
            ["info"] = new JsonObject
            {
                ["title"] = "Hub — 电子证照与数据共享交换 / e-license and data-sharing exchange",
                ["version"] = "v1",
                ["description"] = "The REST/JSON facade of the hub's gRPC services (the same calls, the same rules, the same audit). "
                    + "Every failure is a google.rpc.Status JSON with an ErrorInfo reason; enum values may be given by their short names (USCC) and dates as YYYY-MM-DD; unknown fields are refused. "
                    + "REST/JSON 接口与 gRPC 服务一一对应：同样的调用、规则与审计。",
            },
            ["servers"] = new JsonArray(new JsonObject { ["url"] = "/", ["description"] = "the hub this document was fetched from (its TLS port)" }),
            ["security"] = new JsonArray(new JsonObject { ["bearerAuth"] = new JsonArray() }, new JsonObject { ["mutualTLS"] = new JsonArray() }),
            ["tags"] = new JsonArray([.. tags.Select(t => (JsonNode)new JsonObject { ["name"] = t.Key, ["description"] = t.Value })]),
            ["paths"] = paths,
            ["components"] = components,
        };
    }

    private static JsonObject Operation(Microsoft.AspNetCore.Http.Endpoint endpoint, MethodDescriptor method, HttpRule rule, HashSet<string> pathFields, OpenApiSchemas schemas, string tag)
    {
        var (chinese, english) = OpenApiSummaries.ByMethod.TryGetValue(method.Name, out var summary)
            ? summary
            : throw new InvalidOperationException($"{method.FullName} has a REST route but no summary in OpenApiSummaries");
        var roles = endpoint.Metadata.GetMetadata<RequiresRoleAttribute>()?.Roles.Select(RoleNames.Name).ToList() ?? [];
        var anonymous = endpoint.Metadata.GetMetadata<AllowAnonymousCallerAttribute>() is not null;
        var comment = schemas.Comment($"M:{method.Service.File.GetOptions()?.CsharpNamespace}.{method.Service.Name}.{method.Service.Name}Base.{method.Name}");
        var who = anonymous ? "No key needed." : roles.Count > 0 ? $"Roles: {string.Join(", ", roles)}." : "Any authenticated caller.";
        var operation = new JsonObject
        {
            ["operationId"] = char.ToLowerInvariant(method.Name[0]) + method.Name[1..],
            ["summary"] = $"{chinese} · {english}",
            ["description"] = string.Join(" ", new[] { comment, who, $"gRPC: {method.FullName}." }.OfType<string>()),
            ["tags"] = new JsonArray(tag),
        };
        if (anonymous)
        {
            operation["security"] = new JsonArray();
        }

        var parameters = new JsonArray();
        foreach (var field in method.InputType.Fields.InDeclarationOrder())
        {
            if (pathFields.Contains(field.Name))
            {
                parameters.Add(Parameter(field, "path", required: true, schemas));
            }
            else if (rule.Body.Length == 0 && field.FieldType != FieldType.Message)
            {
                parameters.Add(Parameter(field, "query", OpenApiSchemas.IsRequired(field), schemas));
            }
        }

        if (parameters.Count > 0)
        {
            operation["parameters"] = parameters;
        }

        if (rule.Body == "*")
        {
            bool Left(FieldDescriptor f) => pathFields.Contains(f.Name);
            operation["requestBody"] = new JsonObject
            {
                ["required"] = true,
                ["content"] = new JsonObject
                {
                    ["application/json"] = new JsonObject
                    {
                        ["schema"] = pathFields.Count == 0 ? schemas.Reference(method.InputType) : schemas.Message(method.InputType, Left),
                        ["example"] = OpenApiSchemas.Example(method.InputType, Left, request: true),
                    },
                },
            };
        }

        var responses = new JsonObject
        {
            ["200"] = new JsonObject
            {
                ["description"] = "OK",
                ["content"] = new JsonObject
                {
                    ["application/json"] = new JsonObject
                    {
                        ["schema"] = schemas.Reference(method.OutputType),
                        ["example"] = OpenApiSchemas.Example(method.OutputType, static _ => false, request: false),
                    },
                },
            },
        };
        foreach (var (code, name, _, _) in Errors.Where(e => !anonymous || e.Code is not ("401" or "403")))
        {
            responses[code] = new JsonObject { ["$ref"] = "#/components/responses/" + name };
        }

        operation["responses"] = responses;
        return operation;
    }

    private static JsonObject Parameter(FieldDescriptor field, string location, bool required, OpenApiSchemas schemas)
    {
        var parameter = new JsonObject
        {
            ["name"] = field.JsonName,
            ["in"] = location,
            ["required"] = required,
            ["schema"] = schemas.Field(field),
        };
        if (OpenApiExamples.ByFieldName.TryGetValue(field.Name, out var example) && example.Length > 0 && field.FieldType == FieldType.String)
        {
            parameter["example"] = field.IsRepeated ? new JsonArray(example) : JsonValue.Create(example);
        }

        return parameter;
    }

    /// <summary>"/v1/licenses/{identifier}:amend" with each variable by its JSON name, and the fields the path carries.</summary>
    private static (string Path, HashSet<string> Fields) OpenApiPath(string template, MessageDescriptor input)
    {
        var fields = new HashSet<string>(StringComparer.Ordinal);
        var path = System.Text.RegularExpressions.Regex.Replace(template, "{([^}=]+)(=[^}]*)?}", m =>
        {
            var name = m.Groups[1].Value;
            fields.Add(name);
            return "{" + (input.FindFieldByName(name)?.JsonName ?? name) + "}";
        });
        return (path, fields);
    }

    private static JsonObject ErrorResponses()
    {
        var responses = new JsonObject();
        foreach (var (code, name, status, description) in Errors)
        {
            var response = new JsonObject
            {
                ["description"] = description,
                ["content"] = new JsonObject
                {
                    ["application/json"] = new JsonObject
                    {
                        ["schema"] = new JsonObject { ["$ref"] = "#/components/schemas/google.rpc.Status" },
                        ["example"] = StatusExample(code, status),
                    },
                },
            };
            if (code == "401")
            {
                response["headers"] = new JsonObject { ["WWW-Authenticate"] = new JsonObject { ["schema"] = new JsonObject { ["type"] = "string" }, ["description"] = "Bearer realm=\"hub\"" } };
            }

            responses[name] = response;
        }

        return responses;
    }

    private static JsonObject StatusExample(string code, string status)
    {
        var numeric = status switch
        {
            "INVALID_ARGUMENT" => 3, "DEADLINE_EXCEEDED" => 4, "NOT_FOUND" => 5, "ALREADY_EXISTS" => 6, "PERMISSION_DENIED" => 7,
            "RESOURCE_EXHAUSTED" => 8, "INTERNAL" => 13, "UNAVAILABLE" => 14, "UNAUTHENTICATED" => 16, _ => 2,
        };
        var details = new JsonArray(new JsonObject { ["@type"] = "type.googleapis.com/google.rpc.ErrorInfo", ["reason"] = code == "400" ? "INVALID_FIELD" : status, ["domain"] = "hub.gov.cn" });
        if (code == "400")
        {
            details.Add(new JsonObject
            {
                ["@type"] = "type.googleapis.com/google.rpc.BadRequest",
                ["fieldViolations"] = new JsonArray(new JsonObject { ["field"] = "applicant.idNumber", ["description"] = "is not a valid 统一社会信用代码 (check character)", ["reason"] = "INVALID_FIELD" }),
            });
        }

        return new JsonObject { ["code"] = numeric, ["message"] = status.ToLowerInvariant().Replace('_', ' '), ["details"] = details };
    }

    private static JsonObject StatusSchema() => new()
    {
        ["type"] = "object",
        ["description"] = "google.rpc.Status: every failure. details holds an ErrorInfo (reason), and a BadRequest (field violations), RetryInfo or ResourceInfo where they apply (docs/errors.md).",
        ["properties"] = new JsonObject
        {
            ["code"] = new JsonObject { ["type"] = "integer", ["description"] = "the gRPC status code" },
            ["message"] = new JsonObject { ["type"] = "string" },
            ["details"] = new JsonObject { ["type"] = "array", ["items"] = new JsonObject { ["type"] = "object", ["properties"] = new JsonObject { ["@type"] = new JsonObject { ["type"] = "string" } }, ["required"] = new JsonArray("@type") } },
        },
        ["required"] = new JsonArray("code", "message"),
    };

    private static JsonObject Sorted(JsonObject components)
    {
        var sorted = new JsonObject();
        foreach (var (name, schema) in components.OrderBy(c => c.Key, StringComparer.Ordinal).ToList())
        {
            components.Remove(name);
            sorted[name] = schema;
        }

        foreach (var (name, schema) in sorted.ToList())
        {
            sorted.Remove(name);
            components[name] = schema;
        }

        return components;
    }
}
