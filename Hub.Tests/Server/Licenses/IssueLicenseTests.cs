using System.Text;
using Dapper;
using Google.Protobuf;
using Grpc.Core;
using Hub.Common.V1;
using Hub.Licenses.V1;
using Hub.Signing.Identifiers;
using Hub.Signing.Sm2;
using Hub.Tests.Support;
using Hub.Verification.V1;
using Npgsql;

namespace Hub.Tests.Server.Licenses;

public sealed class IssueLicenseTests(LicenseScenarioFixture fixture) : IClassFixture<LicenseScenarioFixture>
{
    private readonly LicenseScenario _s = fixture.Scenario;

    [Fact]
    public async Task Issue_ReturnsASealedVersionOneWithAValidGbt36904Identifier()
    {
        var license = await _s.IssueAsync("XA-2024-0001");

        Assert.True(LicenseIdentifier.TryParse(license.Identifier, out var identifier, out var problem), problem);
        Assert.Equal(LicenseScenario.TypeCode, identifier.TypeCode);
        Assert.Equal(LicenseScenario.IssuerOrg, identifier.IssuerOrgCode);
        Assert.Equal(1, identifier.Version);
        Assert.Equal(1u, license.Version);
        Assert.Equal(LicenseStatus.Valid, license.Status);
        Assert.Contains("\"format\":\"hub.license.v1\"", license.CanonicalJson, StringComparison.Ordinal);
        var keys = await new VerificationService.VerificationServiceClient(_s.Hub.Channel()).GetSigningKeysAsync(new GetSigningKeysRequest());
        var key = Sm2PublicKey.FromPem(keys.Keys.Single(k => k.KeyId == license.Seal.KeyId).PublicKeyPem);
        Assert.True(key.Verify(Encoding.UTF8.GetBytes(license.CanonicalJson), license.Seal.Signature.ToByteArray()));
    }

    [Fact]
    public async Task Issue_SealVerifiesWithTheOpenSslCli()
    {
        var license = await _s.IssueAsync("XA-2024-0002");
        var keys = await new VerificationService.VerificationServiceClient(_s.Hub.Channel()).GetSigningKeysAsync(new GetSigningKeysRequest());
        var folder = Directory.CreateTempSubdirectory("hub-tests-seal-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(folder, "pub.pem"), keys.Keys.Single(k => k.KeyId == license.Seal.KeyId).PublicKeyPem);
            File.WriteAllBytes(Path.Combine(folder, "content.json"), Encoding.UTF8.GetBytes(license.CanonicalJson));
            File.WriteAllBytes(Path.Combine(folder, "seal.der"), license.Seal.Signature.ToByteArray());

            var (exit, output) = ExternalTool.Run("openssl", "dgst", "-sm3", "-verify", Path.Combine(folder, "pub.pem"),
                "-sigopt", "distid:1234567812345678", "-signature", Path.Combine(folder, "seal.der"), Path.Combine(folder, "content.json"));

            Assert.True(exit == 0, output);
            Assert.Contains("Verified OK", output, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task Issue_SerialsAreUniquePerIssuerAndType()
    {
        var first = await _s.IssueAsync("XA-2024-0003");
        var second = await _s.IssueAsync("XA-2024-0004");

        Assert.True(LicenseIdentifier.TryParse(first.Identifier, out var a, out _));
        Assert.True(LicenseIdentifier.TryParse(second.Identifier, out var b, out _));
        Assert.NotEqual(a.Serial, b.Serial);
    }

    [Fact]
    public async Task Issue_RetriedRequestId_ReturnsTheFirstLicenseAndIssuesNothingNew()
    {
        var request = LicenseScenario.IssueRequest("XA-2024-0005");
        var client = _s.Licenses(_s.IssuerKey);

        var first = await client.IssueLicenseAsync(request);
        var retry = await client.IssueLicenseAsync(request);

        Assert.Equal(first.License.Identifier, retry.License.Identifier);
        Assert.Equal(first.License.Seal.Signature, retry.License.Seal.Signature);
        await using var connection = new NpgsqlConnection(_s.Hub.ConnectionString);
        Assert.Equal(1L, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM licenses WHERE license_number = 'XA-2024-0005'"));
    }

    [Fact]
    public async Task Issue_RetriedWithItsFaceMapInAnotherOrder_IsTheSameRequest_ButOtherContentIsRequestIdReused()
    {
        var request = LicenseScenario.IssueRequest("XA-2024-0105");
        var reordered = request.Clone();
        reordered.Face.Clear();
        foreach (var (name, value) in request.Face.Reverse())
        {
            reordered.Face.Add(name, value);
        }

        var changed = request.Clone();
        changed.Face["category"] = "B类";
        var client = _s.Licenses(_s.IssuerKey);

        var first = await client.IssueLicenseAsync(request);
        var retry = await client.IssueLicenseAsync(reordered);

        Assert.NotEqual(request.ToByteString(), reordered.ToByteString()); // what a Go client may send
        Assert.Equal(first.License.Identifier, retry.License.Identifier);
        await RpcAssert.FailsAsync(StatusCode.FailedPrecondition, async () => await client.IssueLicenseAsync(changed), "REQUEST_ID_REUSED");
    }

    [Fact]
    public async Task Issue_BadInput_ReportsEveryFieldAndWritesNothing()
    {
        var request = LicenseScenario.IssueRequest("XA-2024-0006", idNumber: "610102199001011236");
        request.ValidUntil = new Google.Type.Date { Year = 2023, Month = 1, Day = 1 };
        request.Face.Remove("category");
        request.Face["issued_on"] = "2024-13-01";
        request.Face["colour"] = "red";
        request.Holder.Name = "";

        var error = await RpcAssert.FailsAsync(StatusCode.InvalidArgument, async () => await _s.Licenses(_s.IssuerKey).IssueLicenseAsync(request));

        Assert.Equal(
            ["face[category]", "face[colour]", "face[issued_on]", "holder.id_number", "holder.name", "valid_until"],
            RpcAssert.ViolatedFields(error).Order(StringComparer.Ordinal));
        await using var connection = new NpgsqlConnection(_s.Hub.ConnectionString);
        Assert.Equal(0L, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM licenses WHERE license_number = 'XA-2024-0006'"));
    }

    [Fact]
    public async Task Issue_FaceNotMatchingTheType_ReportsEachFaceField()
    {
        var request = LicenseScenario.IssueRequest("XA-2024-0007");
        request.Face.Remove("category");
        request.Face["issued_on"] = "2024-13-01";
        request.Face["colour"] = "red";

        var error = await RpcAssert.FailsAsync(StatusCode.InvalidArgument, async () => await _s.Licenses(_s.IssuerKey).IssueLicenseAsync(request));

        Assert.Equal(["face[category]", "face[colour]", "face[issued_on]"], RpcAssert.ViolatedFields(error).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Issue_OrganisationHolderForAPersonType_IsInvalid()
    {
        var request = LicenseScenario.IssueRequest("XA-2024-0008");
        request.Holder = new Holder { Name = "某公司", IdType = HolderIdType.Uscc, IdNumber = "91350100M000100Y43" };

        var error = await RpcAssert.FailsAsync(StatusCode.InvalidArgument, async () => await _s.Licenses(_s.IssuerKey).IssueLicenseAsync(request));

        Assert.Equal(["holder.id_type"], RpcAssert.ViolatedFields(error));
    }

    [Fact]
    public async Task Issue_UnknownType_IsNotFound()
    {
        var request = LicenseScenario.IssueRequest("XA-2024-0009");
        request.TypeCode = "11610100MB0000000J999";

        await RpcAssert.FailsAsync(StatusCode.NotFound, async () => await _s.Licenses(_s.IssuerKey).IssueLicenseAsync(request), "LICENSE_TYPE_NOT_FOUND");
    }

    [Fact]
    public async Task Issue_ByAnOrganisationNotAllowedForTheType_IsPermissionDenied()
    {
        var unrelated = (await _s.Admin.RegisterCallerAsync(new Hub.Admin.V1.RegisterCallerRequest
        {
            OrgCode = "91610131MA6U000013",
            OrgName = "无关单位",
            SystemName = "unrelated-issuer",
            Roles = { Role.Issuer },
            Clearance = DataLevel.L1Public,
        })).ApiKey;

        await RpcAssert.FailsAsync(
            StatusCode.PermissionDenied,
            async () => await _s.Licenses(unrelated).IssueLicenseAsync(LicenseScenario.IssueRequest("XA-2024-0010")),
            "ISSUER_NOT_ALLOWED");
    }

    [Fact]
    public async Task Issue_ByAVerifier_IsPermissionDenied() =>
        await RpcAssert.FailsAsync(
            StatusCode.PermissionDenied,
            async () => await _s.Licenses(_s.VerifierKeys[DataLevel.L4HighlySensitive]).IssueLicenseAsync(LicenseScenario.IssueRequest("XA-2024-0011")),
            "ROLE_REQUIRED");

    [Fact]
    public async Task Issue_SameLicenseNumberTwice_IsAlreadyExists()
    {
        await _s.IssueAsync("XA-2024-0012");

        await RpcAssert.FailsAsync(
            StatusCode.AlreadyExists,
            async () => await _s.Licenses(_s.IssuerKey).IssueLicenseAsync(LicenseScenario.IssueRequest("XA-2024-0012")),
            "LICENSE_NUMBER_EXISTS");
    }
}
