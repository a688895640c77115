using Dapper;
using Grpc.Core;
using Hub.Common.V1;
using Hub.Licenses.V1;
using Hub.Tests.Support;
using Hub.Verification.V1;
using Npgsql;

namespace Hub.Tests.Server.Licenses;

/// <summary>
/// What broke when licenses were tried from outside (hardening issue items 1, 4, 8 and 11): long reasons, the license
/// number and status reason outside the policy, spoofing characters, and verifiers harvesting identities.
/// </summary>
public sealed class HardenedLicenseInputTests(LicenseScenarioFixture fixture) : IClassFixture<LicenseScenarioFixture>
{
    private readonly LicenseScenario _s = fixture.Scenario;

    [Fact]
    public async Task A_status_change_with_a_500_character_reason_is_applied_and_its_reason_is_in_the_log()
    {
        var license = await _s.IssueAsync("HD-0001", idNumber: TestPeople.NewCitizenId());
        var reason = "经核查，" + new string('查', 496);

        var changed = await _s.Licenses(_s.IssuerKey).ChangeLicenseStatusAsync(new ChangeLicenseStatusRequest
        {
            RequestId = Guid.NewGuid().ToString(), Identifier = license.Identifier, Status = LicenseStatus.Suspended, Reason = reason,
        });

        Assert.Equal(500, reason.Length);
        Assert.Equal(LicenseStatus.Suspended, changed.License.Status);
        Assert.Equal(LicenseStatus.Suspended, (await _s.Licenses(_s.IssuerKey).GetLicenseAsync(new GetLicenseRequest { Identifier = license.Identifier })).License.Status);
        Assert.Equal(reason, await LoggedPurposeAsync(license.Identifier, "licenses.ChangeLicenseStatus"));
    }

    [Fact]
    public async Task An_amendment_with_a_500_character_reason_is_applied_and_a_501_character_one_is_refused_by_field()
    {
        var license = await _s.IssueAsync("HD-0002", idNumber: TestPeople.NewCitizenId());
        var client = _s.Licenses(_s.IssuerKey);

        var tooLong = await RpcAssert.FailsAsync(StatusCode.InvalidArgument, async () => await client.AmendLicenseAsync(LicenseScenario.AmendRequest(license.Identifier, "B类", new string('改', 501))));
        var amended = await client.AmendLicenseAsync(LicenseScenario.AmendRequest(license.Identifier, "B类", new string('改', 500)));

        Assert.Equal(["reason"], RpcAssert.ViolatedFields(tooLong));
        Assert.Equal(2u, amended.License.Version);
        Assert.Equal(new string('改', 500), await LoggedPurposeAsync(amended.License.Identifier, "licenses.AmendLicense"));
    }

    [Theory]
    [InlineData("核验\u202E验核")]       // right-to-left override: displays reversed in an audit view
    [InlineData("核验\u200B")]            // zero-width space
    [InlineData("核验\u2066x\u2069")]     // bidi isolate
    [InlineData("核验\u0000")]            // NUL: PostgreSQL would refuse it
    public async Task A_purpose_with_control_format_or_bidi_characters_is_refused_before_anything_is_read(string purpose)
    {
        var license = await _s.IssueAsync("HD-P" + (uint)purpose.GetHashCode(StringComparison.Ordinal), idNumber: TestPeople.NewCitizenId());

        var refused = await RpcAssert.FailsAsync(StatusCode.InvalidArgument, async () =>
            await _s.Verification(_s.VerifierKeys[DataLevel.L2Internal]).VerifyLicenseAsync(new VerifyLicenseRequest { Identifier = license.Identifier, Purpose = purpose, CaseNumber = LicenseScenario.CaseNumber }));

        Assert.Equal(["purpose"], RpcAssert.ViolatedFields(refused));
    }

    [Fact]
    public async Task Rare_characters_outside_the_basic_plane_are_still_accepted_in_text()
    {
        var license = await _s.IssueAsync("HD-0003", idNumber: TestPeople.NewCitizenId());

        var verified = await _s.Verification(_s.VerifierKeys[DataLevel.L2Internal]).VerifyLicenseAsync(
            new VerifyLicenseRequest { Identifier = license.Identifier, Purpose = "𠀀𪚥姓名核验", CaseNumber = LicenseScenario.CaseNumber });

        Assert.True(verified.Valid, verified.Reason);
    }

    [Theory]
    [InlineData(DataLevel.L1Public, "HDLN20260001", "", "WITHHELD")]
    [InlineData(DataLevel.L2Internal, "HDLN20260002", "HDLN20*****2", "MASKED")]
    [InlineData(DataLevel.L3Sensitive, "HDLN20260003", "HDLN20260003", "PLAIN")]
    public async Task The_license_number_of_a_persons_license_goes_through_the_disclosure_policy_at_L3(DataLevel clearance, string number, string shown, string decision)
    {
        var license = await _s.IssueAsync(number, idNumber: TestPeople.NewCitizenId());

        var verified = await _s.VerifyAsync(license.Identifier, clearance);

        Assert.Equal(shown, verified.License.LicenseNumber);
        Assert.Equal(decision, verified.License.Disclosure.Single(d => d.Field == "license_number").Decision.ToString().ToUpperInvariant());
        Assert.Equal(number, (await _s.Licenses(_s.IssuerKey).GetLicenseAsync(new GetLicenseRequest { Identifier = license.Identifier })).License.LicenseNumber);
    }

    [Fact]
    public async Task The_status_reason_is_withheld_below_its_level_also_from_the_status_check()
    {
        var license = await _s.IssueAsync("HD-0004", idNumber: TestPeople.NewCitizenId());
        await _s.Licenses(_s.IssuerKey).ChangeLicenseStatusAsync(new ChangeLicenseStatusRequest
        {
            RequestId = Guid.NewGuid().ToString(), Identifier = license.Identifier, Status = LicenseStatus.Suspended, Reason = "持证人涉嫌违法经营，立案调查",
        });

        var publicView = await _s.VerifyAsync(license.Identifier, DataLevel.L1Public);
        var internalView = await _s.VerifyAsync(license.Identifier, DataLevel.L2Internal);

        Assert.Equal(string.Empty, publicView.License.StatusReason);
        Assert.Equal("SUSPENDED", publicView.Checks.Single(c => c.Name == "STATUS").Detail);
        Assert.Equal("持证人涉嫌违法经营，立案调查", internalView.License.StatusReason);
        Assert.Contains("立案调查", internalView.Checks.Single(c => c.Name == "STATUS").Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_license_type_reports_the_levels_of_license_number_and_status_reason()
    {
        var type = await _s.Catalogue(_s.CatalogueKey).GetLicenseTypeAsync(new Hub.Catalogue.V1.GetLicenseTypeRequest { TypeCode = LicenseScenario.TypeCode });

        Assert.Equal(DataLevel.L3Sensitive, type.LicenseType.LicenseNumberLevel);
        Assert.Equal(DataLevel.L2Internal, type.LicenseType.StatusReasonLevel);
    }

    [Fact]
    public async Task A_verifier_that_names_neither_case_nor_holder_learns_no_identity()
    {
        var person = TestPeople.NewCitizenId();
        var license = await _s.IssueAsync("HD-0005", idNumber: person);
        var client = _s.Verification(_s.VerifierKeys[DataLevel.L3Sensitive]);

        var anonymous = await client.VerifyLicenseAsync(new VerifyLicenseRequest { Identifier = license.Identifier, Purpose = "窗口核验" });
        var forTheHolder = await client.VerifyLicenseAsync(new VerifyLicenseRequest
        {
            Identifier = license.Identifier, Purpose = "窗口核验", Holder = new Holder { IdType = HolderIdType.CitizenId, IdNumber = person },
        });
        var forSomeoneElse = await client.VerifyLicenseAsync(new VerifyLicenseRequest
        {
            Identifier = license.Identifier, Purpose = "窗口核验", Holder = new Holder { IdType = HolderIdType.CitizenId, IdNumber = TestPeople.NewCitizenId() },
        });

        Assert.True(anonymous.Valid);
        Assert.Equal((string.Empty, string.Empty, string.Empty), (anonymous.License.Holder.Name, anonymous.License.Holder.IdNumber, anonymous.License.LicenseNumber));
        Assert.Equal("A类", anonymous.License.Face["category"]);
        Assert.All(anonymous.License.Disclosure.Where(d => d.Field is "holder.name" or "holder.id_number" or "license_number"), d => Assert.Equal("case-or-holder-not-named", d.Rule));
        Assert.True(forTheHolder.Valid);
        Assert.Equal((true, person), (forTheHolder.Checks.Single(c => c.Name == "HOLDER").Passed, forTheHolder.License.Holder.IdNumber));
        Assert.False(forSomeoneElse.Valid);
        Assert.Equal("HOLDER_MISMATCH", forSomeoneElse.Reason);
        Assert.Equal(string.Empty, forSomeoneElse.License.Holder.IdNumber);
    }

    private async Task<string?> LoggedPurposeAsync(string identifier, string action)
    {
        await using var connection = new NpgsqlConnection(_s.Hub.ConnectionString);
        for (var attempt = 0; attempt < 50; attempt++)
        {
            var purpose = await connection.QuerySingleOrDefaultAsync<string?>(
                "SELECT purpose FROM access_log WHERE object_id = @identifier AND action = @action ORDER BY log_index DESC LIMIT 1", new { identifier, action });
            if (purpose is not null)
            {
                return purpose;
            }

            await Task.Delay(100);
        }

        return null;
    }
}
