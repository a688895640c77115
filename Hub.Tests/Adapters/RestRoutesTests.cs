using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Hub.Catalogue.V1;
using Hub.Common.V1;
using Hub.Tests.Support;

namespace Hub.Tests.Adapters;

/// <summary>
/// What a system that cannot speak gRPC needs, over REST/JSON alone: the license's life (issue, read, amend, suspend,
/// verify), the catalogue, grants and the audit log; and the OpenAPI document that describes every route.
/// </summary>
public sealed class RestRoutesTests(LicenseScenarioFixture fixture) : IClassFixture<LicenseScenarioFixture>
{
    private readonly LicenseScenario _s = fixture.Scenario;

    [Fact]
    public async Task An_issuer_issues_reads_amends_and_suspends_a_license_and_a_verifier_sees_it_suspended_all_over_REST()
    {
        using var issuer = Client(_s.IssuerKey);
        var number = "REST-LIFE-" + Guid.NewGuid().ToString("N")[..6];

        var issued = await OkAsync(await issuer.PostAsync("/v1/licenses", Json($$"""
            {"requestId":"{{number}}","typeCode":"{{LicenseScenario.TypeCode}}","licenseNumber":"{{number}}",
             "holder":{"name":"王小明","idType":"CITIZEN_ID","idNumber":"{{LicenseScenario.CitizenId}}"},
             "validFrom":"2025-01-01","face":{"category":"A类","issued_on":"2025-01-01"} }
            """)));
        var first = issued.GetProperty("license").GetProperty("identifier").GetString()!;
        var read = await OkAsync(await issuer.GetAsync($"/v1/licenses/{first}"));
        var amended = await OkAsync(await issuer.PostAsync($"/v1/licenses/{first}:amend", Json($$"""
            {"requestId":"{{number}}-a","face":{"category":"B类","issued_on":"2025-01-01"},"validUntil":"2030-12-31","reason":"类别变更"}
            """)));
        var second = amended.GetProperty("license").GetProperty("identifier").GetString()!;
        var suspended = await OkAsync(await issuer.PostAsync($"/v1/licenses/{second}:changeStatus", Json($$"""
            {"requestId":"{{number}}-s","status":"SUSPENDED","reason":"暂扣"}
            """)));
        using var verifier = Client(_s.VerifierKeys[DataLevel.L2Internal]);
        var verified = await OkAsync(await verifier.PostAsync("/v1/licenses:verify", Json($$"""{"identifier":"{{second}}","purpose":"窗口核验"}""")));
        var exported = await OkAsync(await issuer.PostAsync($"/v1/licenses/{second}:export", Json("{}")));

        Assert.Equal("A类", read.GetProperty("license").GetProperty("face").GetProperty("category").GetString());
        Assert.NotEqual(first, second);
        Assert.Equal(2, amended.GetProperty("license").GetProperty("version").GetInt32());
        Assert.Equal("B类", amended.GetProperty("license").GetProperty("face").GetProperty("category").GetString());
        Assert.Equal("LICENSE_STATUS_SUSPENDED", suspended.GetProperty("license").GetProperty("status").GetString());
        Assert.False(verified.GetProperty("valid").GetBoolean());
        Assert.Equal("SUSPENDED", verified.GetProperty("reason").GetString());
        Assert.StartsWith("<", Encoding.UTF8.GetString(Convert.FromBase64String(exported.GetProperty("document").GetString()!)).TrimStart(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_catalogue_grants_and_the_audit_log_are_readable_over_REST_by_the_roles_that_may_read_them()
    {
        var matter = "REST-ROUTES-" + Guid.NewGuid().ToString("N")[..6];
        await _s.Catalogue(_s.CatalogueKey).RegisterMatterAsync(new RegisterMatterRequest
        {
            MatterCode = matter,
            Name = "REST 路由测试事项",
            DepartmentCode = LicenseScenario.IssuerOrg,
            Materials = { new Material { MaterialCode = "M1", Name = "资格证书", AcceptedTypeCodes = { LicenseScenario.TypeCode }, NeededFields = { "category" } } },
        });
        using var reader = Client(_s.VerifierKeys[DataLevel.L1Public]);
        using var catalogue = Client(_s.CatalogueKey);
        using var auditor = Client(_s.AuditorKey);

        var gotMatter = await OkAsync(await reader.GetAsync($"/v1/matters/{matter}"));
        var types = await OkAsync(await reader.GetAsync("/v1/license-types?pageSize=100"));
        var type = await OkAsync(await reader.GetAsync($"/v1/license-types/{LicenseScenario.TypeCode}"));
        var grants = await OkAsync(await catalogue.GetAsync("/v1/grants?scope=GRANT_SCOPE_ALL&status=GRANT_STATUS_PENDING"));
        var checkpoint = await OkAsync(await auditor.GetAsync("/v1/access-log/checkpoint"));
        var size = checkpoint.GetProperty("treeSize").GetInt64();
        var entries = await OkAsync(await auditor.GetAsync("/v1/access-log/entries?fromIndex=0&count=2"));
        var proof = await OkAsync(await auditor.GetAsync($"/v1/access-log/entries/1/inclusion-proof?treeSize={size}"));
        using var notAuditor = await reader.GetAsync("/v1/access-log/checkpoint");

        Assert.Equal("M1", gotMatter.GetProperty("matter").GetProperty("materials")[0].GetProperty("materialCode").GetString());
        Assert.Contains(types.GetProperty("licenseTypes").EnumerateArray(), t => t.GetProperty("typeCode").GetString() == LicenseScenario.TypeCode);
        Assert.Equal("DATA_LEVEL_L4_HIGHLY_SENSITIVE", type.GetProperty("licenseType").GetProperty("fields").EnumerateArray().Single(f => f.GetProperty("name").GetString() == "health_note").GetProperty("level").GetString());
        Assert.Equal(JsonValueKind.Array, grants.GetProperty("grants").ValueKind);
        Assert.True(size >= 2);
        Assert.Equal(2, entries.GetProperty("entries").GetArrayLength());
        Assert.True(proof.GetProperty("hashes").GetArrayLength() > 0);
        Assert.Equal(HttpStatusCode.Forbidden, notAuditor.StatusCode);
    }

    [Theory]
    [InlineData("GET", "/v1/access-log/entries/abc/inclusion-proof", "logIndex", "WRONG_JSON_TYPE")]
    [InlineData("GET", "/v1/access-log/entries/1/inclusion-proof?logIndex=7", "logIndex", "INVALID_FIELD")]
    [InlineData("GET", "/v1/access-log/entries?fromIndex=x&count=2", "fromIndex", "WRONG_JSON_TYPE")]
    [InlineData("GET", "/v1/access-log/entries?count=1&count=2", "count", "INVALID_FIELD")]
    [InlineData("GET", "/v1/grants?status=bogus", "status", "INVALID_ENUM_VALUE")]
    [InlineData("POST", "/v1/licenses:verify?purpose=x", "purpose", "UNKNOWN_FIELD")]
    public async Task A_path_or_query_value_that_is_not_the_field_it_names_is_a_field_violation(string method, string url, string field, string reason)
    {
        using var auditor = Client(_s.AuditorKey);
        using var request = new HttpRequestMessage(new HttpMethod(method), url) { Content = method == "POST" ? Json("""{"identifier":"x","purpose":"y"}""") : null };

        using var response = await auditor.SendAsync(request);

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode}: {body}");
        var status = JsonDocument.Parse(body).RootElement;
        var violation = status.GetProperty("details").EnumerateArray()
            .Single(d => d.GetProperty("@type").GetString()!.EndsWith("BadRequest", StringComparison.Ordinal))
            .GetProperty("fieldViolations")[0];
        Assert.Equal(field, violation.GetProperty("field").GetString());
        Assert.Equal(reason, violation.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Query_parameters_take_short_enum_names_in_any_case()
    {
        using var catalogue = Client(_s.CatalogueKey);

        var grants = await OkAsync(await catalogue.GetAsync("/v1/grants?scope=all&status=pending"));

        Assert.Equal(JsonValueKind.Array, grants.GetProperty("grants").ValueKind);
    }

    [Fact]
    public async Task The_OpenAPI_document_describes_every_route_with_ids_summaries_security_required_fields_and_errors()
    {
        using var anonymous = _s.Hub.CreateClient();

        var text = await anonymous.GetStringAsync("/openapi.json");
        var document = JsonDocument.Parse(text).RootElement;

        Assert.Equal("3.1.0", document.GetProperty("openapi").GetString());
        Assert.Equal("/", document.GetProperty("servers")[0].GetProperty("url").GetString());
        var schemes = document.GetProperty("components").GetProperty("securitySchemes");
        Assert.Equal("bearer", schemes.GetProperty("bearerAuth").GetProperty("scheme").GetString());
        Assert.Equal("mutualTLS", schemes.GetProperty("mutualTLS").GetProperty("type").GetString());
        var operations = document.GetProperty("paths").EnumerateObject()
            .SelectMany(p => p.Value.EnumerateObject().Select(o => (Path: p.Name, Verb: o.Name, Operation: o.Value))).ToList();
        foreach (var route in (string[])["post /v1/licenses", "get /v1/licenses/{identifier}", "post /v1/licenses/{identifier}:amend", "post /v1/licenses/{identifier}:changeStatus",
            "post /v1/presentations", "post /v1/presentations:verify", "post /v1/licenses:verify", "post /v1/exemption:checkMatter", "get /v1/matters/{matterCode}",
            "get /v1/license-types", "get /v1/data-resources", "post /v1/grants", "get /v1/grants", "post /v1/grants/{grantId}:decide", "post /v1/exchange:query",
            "post /v1/access-log:query", "get /v1/access-log/checkpoint", "get /v1/access-log/entries/{logIndex}/inclusion-proof", "post /v1/access-log:holderHistory"])
        {
            Assert.Contains(operations, o => $"{o.Verb} {o.Path}" == route);
        }

        Assert.Equal(operations.Count, operations.Select(o => o.Operation.GetProperty("operationId").GetString()).Distinct().Count());
        Assert.All(operations, o => Assert.Contains(" · ", o.Operation.GetProperty("summary").GetString(), StringComparison.Ordinal));
        Assert.All(operations, o => Assert.True(o.Operation.GetProperty("responses").TryGetProperty("400", out _), $"{o.Verb} {o.Path} lists no 400"));
        var checkMatter = operations.Single(o => o.Operation.GetProperty("operationId").GetString() == "checkMatter").Operation;
        Assert.Contains("Roles: VERIFIER", checkMatter.GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.True(checkMatter.GetProperty("requestBody").GetProperty("content").GetProperty("application/json").TryGetProperty("example", out _));
        var request = document.GetProperty("components").GetProperty("schemas").GetProperty("hub.exemption.v1.CheckMatterRequest");
        Assert.Equal(["requestId", "matterCode", "applicant", "caseNumber", "purpose"], request.GetProperty("required").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal(0, operations.Single(o => o.Path == "/v1/signing-keys").Operation.GetProperty("security").GetArrayLength());
        Assert.DoesNotContain("OneofCase", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Hub.Common.V1", text, StringComparison.Ordinal);
    }

    private HttpClient Client(string apiKey)
    {
        var client = _s.Hub.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        return client;
    }

    private static async Task<JsonElement> OkAsync(HttpResponseMessage response)
    {
        using (response)
        {
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri}: {(int)response.StatusCode} {body}");
            return JsonDocument.Parse(body).RootElement.Clone();
        }
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");
}
