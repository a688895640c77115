using System.Text;
using Dapper;
using Google.Protobuf;
using Grpc.Core;
using Hub.Common.V1;
using Hub.Licenses.V1;
using Hub.Tests.Support;
using Hub.Verification.V1;
using Npgsql;
using Org.BouncyCastle.Crypto.Digests;

namespace Hub.Tests.Server.Licenses;

public sealed class VerifyAndDiscloseTests(LicenseScenarioFixture fixture) : IClassFixture<LicenseScenarioFixture>
{
    private readonly LicenseScenario _s = fixture.Scenario;

    [Fact]
    public async Task Verify_ValidLicense_PassesEveryCheckAndCarriesAReceipt()
    {
        var license = await _s.IssueAsync("VD-0001");

        var verified = await _s.VerifyAsync(license.Identifier);

        Assert.True(verified.Valid);
        Assert.Equal(string.Empty, verified.Reason);
        Assert.Equal(["SEAL", "KEY", "STATUS", "VALIDITY", "CURRENT_VERSION"], verified.Checks.Select(c => c.Name));
        Assert.All(verified.Checks, c => Assert.True(c.Passed, c.Name));
        AssertReceipt(verified.Receipt, "verification.VerifyLicense", "窗口受理核验");
    }

    [Fact]
    public async Task Verify_MalformedIdentifier_IsInvalidArgument_UnknownIsNotFound_NoPurposeIsInvalid()
    {
        var license = await _s.IssueAsync("VD-0002");
        var client = _s.Verification(_s.VerifierKeys[DataLevel.L2Internal]);
        var wrongCheck = license.Identifier[..^1] + (license.Identifier[^1] == 'A' ? 'B' : 'A');
        var unknown = new Hub.Signing.Identifiers.LicenseIdentifier(LicenseScenario.TypeCode, LicenseScenario.IssuerOrg, "999999999999", 1).ToString();

        var malformed = await RpcAssert.FailsAsync(StatusCode.InvalidArgument, async () => await client.VerifyLicenseAsync(new VerifyLicenseRequest { Identifier = wrongCheck, Purpose = "核验" }));
        await RpcAssert.FailsAsync(StatusCode.NotFound, async () => await client.VerifyLicenseAsync(new VerifyLicenseRequest { Identifier = unknown, Purpose = "核验" }), "LICENSE_NOT_FOUND");
        var noPurpose = await RpcAssert.FailsAsync(StatusCode.InvalidArgument, async () => await client.VerifyLicenseAsync(new VerifyLicenseRequest { Identifier = license.Identifier }));

        Assert.Equal(["identifier"], RpcAssert.ViolatedFields(malformed));
        Assert.Contains("check character", malformed.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(["purpose"], RpcAssert.ViolatedFields(noPurpose));
    }

    [Fact]
    public async Task Verify_ByAnIssuer_IsPermissionDenied() =>
        await RpcAssert.FailsAsync(
            StatusCode.PermissionDenied,
            async () => await _s.Verification(_s.IssuerKey).VerifyLicenseAsync(new VerifyLicenseRequest { Identifier = (await _s.IssueAsync("VD-0003")).Identifier, Purpose = "x" }),
            "ROLE_REQUIRED");

    [Theory]
    [InlineData(DataLevel.L1Public, "王**", "", "A类", "西********司", null, null)]
    [InlineData(DataLevel.L2Internal, "王小明", "610102***********1", "A类", "西安某某科技有限公司", "陕西省西安市********", "138****5678")]
    [InlineData(DataLevel.L3Sensitive, "王小明", "610102199001011231", "A类", "西安某某科技有限公司", "陕西省西安市雁塔区科技路1号", "13812345678")]
    public async Task Verify_DisclosesByClearance(DataLevel clearance, string name, string idNumber, string category, string? employer, string? address, string? phone)
    {
        var license = await _s.IssueAsync("VD-L" + (int)clearance);

        var disclosed = (await _s.VerifyAsync(license.Identifier, clearance)).License;

        Assert.Equal(name, disclosed.Holder.Name);
        Assert.Equal(idNumber, disclosed.Holder.IdNumber);
        Assert.Equal(category, disclosed.Face["category"]);
        Assert.Equal(employer, disclosed.Face.GetValueOrDefault("employer"));
        Assert.Equal(address, disclosed.Face.GetValueOrDefault("address"));
        Assert.Equal(phone, disclosed.Face.GetValueOrDefault("phone"));
        Assert.False(disclosed.Face.ContainsKey("health_note")); // L4: never below L4 clearance
        Assert.Equal(string.Empty, disclosed.CanonicalJson);
        Assert.Null(disclosed.Seal);
        Assert.Equal("l4-needs-l4-clearance", disclosed.Disclosure.Single(d => d.Field == "health_note").Rule);
    }

    [Fact]
    public async Task Verify_L4Clearance_StillSeesL4FieldsOnlyMasked_NoMatterOrGrantNamesThem()
    {
        var license = await _s.IssueAsync("VD-L4");

        var disclosed = (await _s.VerifyAsync(license.Identifier, DataLevel.L4HighlySensitive)).License;

        Assert.Equal("*", disclosed.Face["health_note"]);  // "无" under KEEP_ENDS: at most half shown
        Assert.Equal("l4-not-named", disclosed.Disclosure.Single(d => d.Field == "health_note").Rule);
        Assert.Equal("13812345678", disclosed.Face["phone"]);
        Assert.Equal(string.Empty, disclosed.CanonicalJson);  // not every field was plain
    }

    [Fact]
    public async Task GetLicense_IssuerSeesAll_OtherIssuerWithoutVerifierRoleIsRefused()
    {
        var license = await _s.IssueAsync("VD-GET");

        var own = await _s.Licenses(_s.IssuerKey).GetLicenseAsync(new GetLicenseRequest { Identifier = license.Identifier });

        Assert.Equal("无", own.License.Face["health_note"]);
        Assert.Equal("610102199001011231", own.License.Holder.IdNumber);
        await RpcAssert.FailsAsync(
            StatusCode.PermissionDenied,
            async () => await _s.Licenses(_s.OtherIssuerKey).GetLicenseAsync(new GetLicenseRequest { Identifier = license.Identifier }),
            "NOT_ISSUER_OF_LICENSE");
    }

    [Fact]
    public async Task Verify_ByDocument_ChecksTheXmlSignatureAndTheSeal_AndXmlsec1Agrees()
    {
        var license = await _s.IssueAsync("VD-DOC");
        var export = await _s.Licenses(_s.IssuerKey).ExportLicenseDocumentAsync(new ExportLicenseDocumentRequest { Identifier = license.Identifier });
        var client = _s.Verification(_s.VerifierKeys[DataLevel.L2Internal]);

        var verified = await client.VerifyLicenseAsync(new VerifyLicenseRequest { Document = export.Document, Purpose = "材料核验" });

        Assert.True(verified.Valid, verified.Reason);
        Assert.Equal(["DOCUMENT_SIGNATURE", "IDENTIFIER", "SEAL", "KEY", "STATUS", "VALIDITY", "CURRENT_VERSION"], verified.Checks.Select(c => c.Name));

        var tampered = Encoding.UTF8.GetString(export.Document.ToByteArray()).Replace("A类", "B类", StringComparison.Ordinal);
        var refused = await client.VerifyLicenseAsync(new VerifyLicenseRequest { Document = ByteString.CopyFromUtf8(tampered), Purpose = "材料核验" });
        Assert.False(refused.Valid);
        Assert.Equal("DOCUMENT_SIGNATURE_INVALID", refused.Reason);
        Assert.False(refused.Checks.Single(c => c.Name == "SEAL").Passed);

        var keys = await new VerificationService.VerificationServiceClient(_s.Hub.Channel()).GetSigningKeysAsync(new GetSigningKeysRequest());
        var folder = Directory.CreateTempSubdirectory("hub-tests-export-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(folder, "cert.pem"), keys.DocumentCertificatePem);
            File.WriteAllBytes(Path.Combine(folder, "license.xml"), export.Document.ToByteArray());
            File.WriteAllText(Path.Combine(folder, "tampered.xml"), tampered);
            Assert.Equal(0, ExternalTool.Run("xmlsec1", "--verify", "--trusted-pem", Path.Combine(folder, "cert.pem"), Path.Combine(folder, "license.xml")).ExitCode);
            Assert.NotEqual(0, ExternalTool.Run("xmlsec1", "--verify", "--trusted-pem", Path.Combine(folder, "cert.pem"), Path.Combine(folder, "tampered.xml")).ExitCode);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task Verify_NotADocument_IsInvalidArgument()
    {
        var error = await RpcAssert.FailsAsync(
            StatusCode.InvalidArgument,
            async () => await _s.Verification(_s.VerifierKeys[DataLevel.L2Internal]).VerifyLicenseAsync(new VerifyLicenseRequest { Document = ByteString.CopyFromUtf8("<x/>"), Purpose = "p" }));

        Assert.Equal(["document"], RpcAssert.ViolatedFields(error));
    }

    [Fact]
    public async Task Export_ByThePortalForTheRightHolderOnly()
    {
        var license = await _s.IssueAsync("VD-PORTAL");
        var portal = new LicenseService.LicenseServiceClient(_s.PortalFor(LicenseScenario.CitizenId));
        var forTheOther = new LicenseService.LicenseServiceClient(_s.PortalFor(LicenseScenario.OtherCitizenId));

        var exported = await portal.ExportLicenseDocumentAsync(new ExportLicenseDocumentRequest
        {
            Identifier = license.Identifier,
            Holder = new Holder { IdType = HolderIdType.CitizenId, IdNumber = LicenseScenario.CitizenId },
        });

        Assert.Equal("application/xml", exported.MediaType);
        await RpcAssert.FailsAsync(StatusCode.PermissionDenied, async () => await forTheOther.ExportLicenseDocumentAsync(new ExportLicenseDocumentRequest
        {
            Identifier = license.Identifier,
            Holder = new Holder { IdType = HolderIdType.CitizenId, IdNumber = LicenseScenario.OtherCitizenId },
        }), "NOT_HOLDER");
    }

    [Fact]
    public async Task ListHolderLicenses_FindsTheHoldersLicensesByBlindIndexOnly()
    {
        var holderId = "61010219850707001" + Hub.Signing.Identifiers.CitizenIdNumber.CheckCharacter("61010219850707001");
        var mine = await _s.IssueAsync("VD-H1", idNumber: holderId);
        var mine2 = await _s.IssueAsync("VD-H2", idNumber: holderId);
        await _s.IssueAsync("VD-H3", idNumber: LicenseScenario.OtherCitizenId);

        var listed = await _s.Licenses(_s.VerifierKeys[DataLevel.L2Internal]).ListHolderLicensesAsync(new ListHolderLicensesRequest
        {
            Holder = new Holder { IdType = HolderIdType.CitizenId, IdNumber = holderId.ToLowerInvariant() },
            Purpose = "一人一档查询",
        });

        Assert.Equal([mine2.Identifier, mine.Identifier], listed.Licenses.Select(l => l.Identifier));
        Assert.All(listed.Licenses, l => Assert.Equal("610102***********" + holderId[^1], l.Holder.IdNumber));
        AssertReceipt(listed.Receipt, "licenses.ListHolderLicenses", "一人一档查询");
    }

    [Fact]
    public async Task ListHolderLicenses_WithoutPurpose_IsInvalid()
    {
        var error = await RpcAssert.FailsAsync(StatusCode.InvalidArgument, async () => await _s.Licenses(_s.VerifierKeys[DataLevel.L2Internal]).ListHolderLicensesAsync(new ListHolderLicensesRequest
        {
            Holder = new Holder { IdType = HolderIdType.CitizenId, IdNumber = LicenseScenario.CitizenId },
        }));

        Assert.Equal(["purpose"], RpcAssert.ViolatedFields(error));
    }

    [Fact]
    public async Task PersonalData_IsNotStoredInPlainText()
    {
        await _s.IssueAsync("VD-PRIV");

        await using var connection = new NpgsqlConnection(_s.Hub.ConnectionString);
        var dump = new StringBuilder();
        foreach (var table in (string[])["licenses", "license_versions", "access_log", "idempotency_keys"])
        {
            foreach (var row in await connection.QueryAsync<string>($"SELECT row_to_json(t)::text FROM {table} t"))
            {
                dump.AppendLine(row);
            }
        }

        var text = dump.ToString();
        Assert.Contains("VD-PRIV", text, StringComparison.Ordinal);
        Assert.DoesNotContain(LicenseScenario.CitizenId, text, StringComparison.Ordinal);
        Assert.DoesNotContain("王小明", text, StringComparison.Ordinal);
        Assert.DoesNotContain("科技路1号", text, StringComparison.Ordinal);
        Assert.DoesNotContain("13812345678", text, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToHexStringLower(Encoding.UTF8.GetBytes(LicenseScenario.CitizenId)), text, StringComparison.Ordinal);
    }

    private void AssertReceipt(Receipt receipt, string action, string purpose)
    {
        // Recompute the leaf independently: SM3(0x00 || entry_json), as RFC 9162 defines leaves.
        var digest = new SM3Digest();
        var bytes = Encoding.UTF8.GetBytes(receipt.EntryJson);
        digest.Update(0x00);
        digest.BlockUpdate(bytes, 0, bytes.Length);
        var leaf = new byte[32];
        digest.DoFinal(leaf, 0);
        Assert.Equal(leaf, receipt.LeafHash.ToByteArray());

        var entry = System.Text.Json.JsonDocument.Parse(receipt.EntryJson).RootElement;
        Assert.Equal((long)receipt.LogIndex, entry.GetProperty("log_index").GetInt64());
        Assert.Equal(action, entry.GetProperty("action").GetString());
        Assert.Equal(purpose, entry.GetProperty("purpose").GetString());
        Assert.DoesNotContain(LicenseScenario.CitizenId, receipt.EntryJson, StringComparison.Ordinal);

        using var connection = new NpgsqlConnection(_s.Hub.ConnectionString);
        Assert.Equal(receipt.EntryJson, connection.ExecuteScalar<string>("SELECT entry_json FROM access_log WHERE log_index = @i", new { i = (long)receipt.LogIndex }));
    }
}
