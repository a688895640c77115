using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Hub.Catalogue.V1;
using Hub.Cli;
using Hub.Common.V1;
using Hub.Core.Callers;
using Hub.Signing.Assertions;
using Hub.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Hub.Tests.Cli;

/// <summary>
/// 委托授权 as the portal and a window run it: `hubctl delegations grant|list|get` with the holder's assertion,
/// `hubctl exemption check-matter --on-behalf-of` at the window, the principal's history and a revocation over REST/JSON.
/// </summary>
public sealed class HubCtlDelegationsTests(LicenseScenarioFixture fixture) : IClassFixture<LicenseScenarioFixture>
{
    private readonly LicenseScenario _s = fixture.Scenario;

    [Fact]
    public async Task A_holder_grants_with_hubctl_a_window_checks_on_behalf_and_the_revocation_over_rest_stops_it()
    {
        var principal = TestPeople.NewCitizenId();
        var agent = TestPeople.NewCitizenId();
        var license = await _s.IssueAsync("HD-" + Guid.NewGuid().ToString("N")[..10], principal);
        var matter = "610100-HD-" + Guid.NewGuid().ToString("N")[..8];
        await _s.Catalogue(_s.CatalogueKey).RegisterMatterAsync(new RegisterMatterRequest
        {
            MatterCode = matter, Name = "代办测试事项", DepartmentCode = "91350100M000100Y43",
            Materials = { new Material { MaterialCode = "cert", Name = "资格证书", AcceptedTypeCodes = { LicenseScenario.TypeCode }, NeededFields = { "category" } } },
        });
        var assertion = Assertion(principal);

        var (granted, grantOutput, grantError) = await RunAsync("delegations", "grant", "--principal-id", principal, "--delegate-id", agent, "--delegate-name", "李代办",
            "--license", license.Identifier, "--matter", matter, "--days", "7", "--api-key", _s.PortalKey, "--holder-assertion", assertion);
        Assert.True(granted == 0, grantOutput + grantError);
        Assert.Contains("status:        ACTIVE, used 0 times", grantOutput, StringComparison.Ordinal);
        var delegationId = grantOutput.Split('\n').Single(l => l.StartsWith("delegation_id:", StringComparison.Ordinal))["delegation_id:".Length..].Trim();
        var (_, listOutput, _) = await RunAsync("delegations", "list", "--api-key", _s.PortalKey, "--holder-assertion", assertion);
        Assert.Matches($@"{delegationId}\s+ACTIVE\s+0\s+", listOutput);

        var verifier = _s.VerifierKeys[DataLevel.L2Internal];
        var (checkedExit, checkOutput, checkError) = await RunAsync("exemption", "check-matter", "--matter", matter, "--applicant-id", principal,
            "--case-number", "XA-DL-0001", "--purpose", "代办申请", "--on-behalf-of", delegationId, "--delegate-id", agent, "--api-key", verifier);
        Assert.True(checkedExit == 0, checkOutput + checkError);
        Assert.Contains($"WAIVED    cert 资格证书: {license.Identifier}", checkOutput, StringComparison.Ordinal);

        // The portal, over REST/JSON: the principal's history names the delegation and the delegate (masked); then it revokes.
        using var portal = _s.Hub.CreateClient();
        portal.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", _s.PortalKey);
        portal.DefaultRequestHeaders.Add(PortalActingFor.AssertionHeader, assertion);
        using var history = await portal.PostAsync("/v1/access-log:holderHistory", Json($$"""{"holder":{"idType":"HOLDER_ID_TYPE_CITIZEN_ID","idNumber":"{{principal}}"} }"""));
        Assert.Equal(HttpStatusCode.OK, history.StatusCode);
        using var entries = JsonDocument.Parse(await history.Content.ReadAsStringAsync());
        var use = entries.RootElement.GetProperty("entries").EnumerateArray().First(e => e.GetProperty("action").GetString() == "exemption.CheckMatter");
        Assert.Equal(delegationId, use.GetProperty("delegationId").GetString());
        Assert.StartsWith("李** ", use.GetProperty("delegateLabel").GetString(), StringComparison.Ordinal);

        // The delegate, over REST/JSON: a presentation (亮证) of the principal's license under the delegation.
        using var delegatePortal = _s.Hub.CreateClient();
        delegatePortal.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", _s.PortalKey);
        delegatePortal.DefaultRequestHeaders.Add(PortalActingFor.AssertionHeader, Assertion(agent));
        using var presented = await delegatePortal.PostAsync("/v1/presentations", Json($$"""
            {"holder":{"idType":"HOLDER_ID_TYPE_CITIZEN_ID","idNumber":"{{principal}}"},"identifier":"{{license.Identifier}}",
             "fields":["category"],"onBehalfOf":{"delegationId":"{{delegationId}}"},"matterCode":"{{matter}}"}
            """));
        Assert.True(presented.StatusCode == HttpStatusCode.OK, await presented.Content.ReadAsStringAsync());
        using var presentation = JsonDocument.Parse(await presented.Content.ReadAsStringAsync());
        Assert.StartsWith("hp1.", presentation.RootElement.GetProperty("token").GetString(), StringComparison.Ordinal);

        using var revoked = await portal.PostAsync($"/v1/delegations/{delegationId}:revoke", Json("""{"requestId":"rest-revoke-1"}"""));
        Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
        using var revokedJson = JsonDocument.Parse(await revoked.Content.ReadAsStringAsync());
        Assert.Equal("DELEGATION_STATUS_REVOKED", revokedJson.RootElement.GetProperty("delegation").GetProperty("status").GetString());

        var (refused, _, refusedError) = await RunAsync("exemption", "check-matter", "--matter", matter, "--applicant-id", principal,
            "--case-number", "XA-DL-0001", "--purpose", "代办申请", "--on-behalf-of", delegationId, "--delegate-id", agent, "--api-key", verifier);
        Assert.Equal(1, refused);
        Assert.Contains("DELEGATION_REVOKED", refusedError, StringComparison.Ordinal);
        var (_, getOutput, _) = await RunAsync("delegations", "get", delegationId, "--api-key", _s.PortalKey, "--holder-assertion", Assertion(agent));
        Assert.Contains("status:        REVOKED", getOutput, StringComparison.Ordinal);
    }

    private string Assertion(string idNumber) => HolderAssertionToken.Create(
        _s.PortalAssertionKey, _s.PortalId, LicenseScenario.ProtoName(HolderIdType.CitizenId), idNumber,
        _s.Hub.Services.GetRequiredService<TimeProvider>().GetUtcNow(), TimeSpan.FromMinutes(5));

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private async Task<(int Exit, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await HubCtl.RunAsync([.. args, "--url", _s.Hub.Server.BaseAddress.ToString()], new CliEnvironment(output, error, _s.Hub.Server.CreateHandler()));
        return (exit, output.ToString(), error.ToString());
    }
}
