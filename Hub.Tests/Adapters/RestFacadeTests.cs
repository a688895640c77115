using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Hub.Catalogue.V1;
using Hub.Common.V1;
using Hub.Tests.Support;

namespace Hub.Tests.Adapters;

/// <summary>The REST/JSON facade as a system that cannot speak gRPC uses it: plain HTTP with JSON and the same key.</summary>
public sealed class RestFacadeTests(LicenseScenarioFixture fixture) : IClassFixture<LicenseScenarioFixture>
{
    private readonly LicenseScenario _s = fixture.Scenario;

    [Fact]
    public async Task CheckMatter_OverRestJson_IsWaivedAndCarriesAReceipt()
    {
        var holder = "610102199001011231";
        var license = await _s.IssueAsync("REST-0001", idNumber: holder);
        await RegisterMatterAsync();
        using var client = Client(_s.VerifierKeys[DataLevel.L2Internal]);

        using var response = await client.PostAsync("/v1/exemption:checkMatter", Json($$"""
            {"requestId":"rest-1","matterCode":"REST-MATTER","applicant":{"idType":"HOLDER_ID_TYPE_CITIZEN_ID","idNumber":"{{holder}}"},
             "caseNumber":"CASE-REST","purpose":"窗口受理"}
            """));

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        var json = JsonDocument.Parse(body).RootElement;
        var material = json.GetProperty("materials")[0];
        Assert.Equal("MATERIAL_OUTCOME_WAIVED", material.GetProperty("outcome").GetString());
        Assert.Contains(material.GetProperty("licenseIdentifier").GetString(), new[] { license.Identifier }.Concat(await OtherIdentifiersAsync(holder)));
        Assert.Equal("A类", material.GetProperty("facts").GetProperty("category").GetString());
        Assert.True(json.GetProperty("receipt").GetProperty("logIndex").GetRawText().Trim('"').Length > 0);
        Assert.Contains("CASE-REST", json.GetProperty("receipt").GetProperty("entryJson").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rest_WithoutKey_Is401_BadInputIs400WithTheFields()
    {
        using var anonymous = _s.Hub.CreateClient();
        using var unauthorized = await anonymous.PostAsync("/v1/exemption:checkMatter", Json("{}"));
        Assert.Equal(HttpStatusCode.Unauthorized, unauthorized.StatusCode);

        using var client = Client(_s.VerifierKeys[DataLevel.L2Internal]);
        using var bad = await client.PostAsync("/v1/exemption:checkMatter", Json("""{"requestId":"rest-2","matterCode":"REST-MATTER"}"""));
        var body = await bad.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("purpose", body, StringComparison.Ordinal);
        Assert.Contains("caseNumber", body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"requestId":""", null, 400, "MALFORMED_JSON", null, null)]
    [InlineData("""{"requestId":"r","applicant":{"idType":"CITIZEN"}}""", null, 400, "INVALID_ARGUMENT", "applicant.idType", "INVALID_ENUM_VALUE")]
    [InlineData("""{"requestId":"r","bogus":1}""", null, 400, "INVALID_ARGUMENT", "bogus", "UNKNOWN_FIELD")]
    [InlineData("""{"requestId":7}""", null, 400, "INVALID_ARGUMENT", "requestId", "WRONG_JSON_TYPE")]
    [InlineData("""{"requestId":"r","checkDate":"2026-13-01"}""", null, 400, "INVALID_ARGUMENT", "checkDate", "INVALID_DATE")]
    [InlineData("""{"requestId":"r"}""", null, 400, "INVALID_ARGUMENT", "caseNumber", "INVALID_FIELD")]
    [InlineData("{}", "text/plain", 415, "UNSUPPORTED_CONTENT_TYPE", null, null)]
    public async Task Every_bad_request_answers_the_documented_status_json(string body, string? contentType, int httpStatus, string reason, string? field, string? fieldReason)
    {
        using var client = Client(_s.VerifierKeys[DataLevel.L2Internal]);
        using var content = new StringContent(body, Encoding.UTF8, contentType ?? "application/json");

        using var response = await client.PostAsync("/v1/exemption:checkMatter", content);

        var status = await StatusAsync(response, httpStatus, reason);
        Assert.DoesNotContain("Hub.", status.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain("System.", status.GetProperty("message").GetString(), StringComparison.Ordinal);
        if (field is not null)
        {
            var violations = status.GetProperty("details").EnumerateArray().Single(d => d.GetProperty("@type").GetString()!.EndsWith("BadRequest", StringComparison.Ordinal)).GetProperty("fieldViolations");
            Assert.Contains(violations.EnumerateArray(), v => v.GetProperty("field").GetString() == field && v.GetProperty("reason").GetString() == fieldReason);
            Assert.DoesNotContain(violations.EnumerateArray(), v => v.GetProperty("field").GetString()!.Contains('_', StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Short_enum_names_and_plain_dates_are_accepted_and_a_waived_material_has_no_reason_code()
    {
        var holder = "61010219900101124X";
        await _s.IssueAsync("REST-0003", idNumber: holder);
        await RegisterMatterAsync();
        using var client = Client(_s.VerifierKeys[DataLevel.L2Internal]);
        var today = DateTime.UtcNow.AddHours(8).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

        using var response = await client.PostAsync("/v1/exemption:checkMatter", Json($$"""
            {"requestId":"rest-short-{{Guid.NewGuid():N}}","matterCode":"REST-MATTER","applicant":{"idType":"citizen_id","idNumber":"{{holder}}"},
             "caseNumber":"CASE-REST-2","purpose":"窗口受理","checkDate":"{{today}}"}
            """));

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        var material = JsonDocument.Parse(body).RootElement.GetProperty("materials")[0];
        Assert.Equal("MATERIAL_OUTCOME_WAIVED", material.GetProperty("outcome").GetString());
        Assert.False(material.TryGetProperty("reasonCode", out _), body);
    }

    [Fact]
    public async Task Oversized_bodies_unknown_routes_and_verbs_answer_status_json_and_401_names_its_scheme()
    {
        using var client = Client(_s.VerifierKeys[DataLevel.L2Internal]);
        using var big = await client.PostAsync("/v1/exemption:checkMatter", Json("{\"requestId\":\"" + new string('x', 5 * 1024 * 1024) + "\"}"));
        await StatusAsync(big, 413, "MESSAGE_TOO_LARGE");

        using var route = await client.GetAsync("/v1/no-such-route");
        await StatusAsync(route, 404, "ROUTE_NOT_FOUND");

        using var verb = await client.DeleteAsync("/v1/signing-keys");
        await StatusAsync(verb, 405, "METHOD_NOT_ALLOWED");
        Assert.Contains("GET", verb.Content.Headers.Allow);

        using var query = await client.GetAsync("/v1/licenses/x?purpose=p&colour=red");
        await StatusAsync(query, 400, "INVALID_ARGUMENT");

        using var anonymous = _s.Hub.CreateClient();
        using var unauthorized = await anonymous.PostAsync("/v1/exemption:checkMatter", Json("{}"));
        await StatusAsync(unauthorized, 401, "MISSING_CREDENTIALS");
        Assert.Equal("Bearer", Assert.Single(unauthorized.Headers.WwwAuthenticate).Scheme);
    }

    [Fact]
    public async Task VerifyAndGet_OverRest_AndSigningKeysNeedNoKey()
    {
        var license = await _s.IssueAsync("REST-0002");
        using var client = Client(_s.VerifierKeys[DataLevel.L2Internal]);

        using var verified = await client.PostAsync("/v1/licenses:verify", Json($$"""{"identifier":"{{license.Identifier}}","purpose":"核验"}"""));
        using var got = await client.GetAsync($"/v1/licenses/{license.Identifier}?purpose=%E6%A0%B8%E9%AA%8C");
        using var anonymous = _s.Hub.CreateClient();
        using var keys = await anonymous.GetAsync("/v1/signing-keys");

        Assert.True(JsonDocument.Parse(await verified.Content.ReadAsStringAsync()).RootElement.GetProperty("valid").GetBoolean());
        Assert.Equal(HttpStatusCode.OK, got.StatusCode);
        Assert.Equal(license.Identifier, JsonDocument.Parse(await got.Content.ReadAsStringAsync()).RootElement.GetProperty("license").GetProperty("identifier").GetString());
        Assert.Contains("BEGIN PUBLIC KEY", await keys.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private async Task<IEnumerable<string>> OtherIdentifiersAsync(string holder)
    {
        var listed = await _s.Licenses(_s.VerifierKeys[DataLevel.L2Internal]).ListHolderLicensesAsync(new Hub.Licenses.V1.ListHolderLicensesRequest
        {
            Holder = new Holder { IdType = HolderIdType.CitizenId, IdNumber = holder },
            Purpose = "测试",
        });
        return listed.Licenses.Select(l => l.Identifier);
    }

    private async Task RegisterMatterAsync() =>
        await _s.Catalogue(_s.CatalogueKey).RegisterMatterAsync(new RegisterMatterRequest
        {
            MatterCode = "REST-MATTER",
            Name = "REST 测试事项",
            DepartmentCode = LicenseScenario.IssuerOrg,
            Materials = { new Material { MaterialCode = "M1", Name = "资格证书", AcceptedTypeCodes = { LicenseScenario.TypeCode }, NeededFields = { "category" } } },
        });

    private HttpClient Client(string apiKey)
    {
        var client = _s.Hub.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        return client;
    }

    /// <summary>The google.rpc.Status JSON every REST failure answers, with its HTTP status and ErrorInfo reason checked.</summary>
    private static async Task<JsonElement> StatusAsync(HttpResponseMessage response, int httpStatus, string reason)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == httpStatus, $"{(int)response.StatusCode}: {body}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var status = JsonDocument.Parse(body).RootElement;
        var info = status.GetProperty("details").EnumerateArray().First(d => d.GetProperty("@type").GetString()!.EndsWith("ErrorInfo", StringComparison.Ordinal));
        Assert.Equal(reason, info.GetProperty("reason").GetString());
        Assert.Equal("hub.gov.cn", info.GetProperty("domain").GetString());
        return status;
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");
}
