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
        Assert.Contains("case_number", body, StringComparison.Ordinal);
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

    [Fact]
    public async Task OpenApiDocument_DescribesTheRestRoutes()
    {
        using var anonymous = _s.Hub.CreateClient();

        var document = JsonDocument.Parse(await anonymous.GetStringAsync("/openapi.json")).RootElement;

        Assert.StartsWith("3.", document.GetProperty("openapi").GetString(), StringComparison.Ordinal);
        var paths = document.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();
        Assert.Contains("/v1/exemption:checkMatter", paths);
        Assert.Contains("/v1/exemption:checkLicense", paths);
        Assert.Contains("/v1/licenses:verify", paths);
        Assert.Contains("/v1/licenses/{identifier}", paths);
        Assert.Contains("/v1/signing-keys", paths);
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

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");
}
