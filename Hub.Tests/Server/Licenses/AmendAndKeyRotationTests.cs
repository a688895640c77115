using Grpc.Core;
using Hub.Admin.V1;
using Hub.Licenses.V1;
using Hub.Signing.Identifiers;
using Hub.Tests.Support;
using Hub.Verification.V1;

namespace Hub.Tests.Server.Licenses;

public sealed class AmendAndKeyRotationTests(LicenseScenarioFixture fixture) : IClassFixture<LicenseScenarioFixture>
{
    private readonly LicenseScenario _s = fixture.Scenario;

    [Fact]
    public async Task Amend_MakesANewSealedVersion_AndTheOldOneStaysVerifiableButSuperseded()
    {
        var original = await _s.IssueAsync("AM-0001");

        var amended = (await _s.Licenses(_s.IssuerKey).AmendLicenseAsync(Amend(original.Identifier, "B类"))).License;

        Assert.Equal(2u, amended.Version);
        Assert.True(LicenseIdentifier.TryParse(amended.Identifier, out var id, out _));
        Assert.Equal(2, id.Version);
        Assert.Equal("B类", amended.Face["category"]);
        Assert.NotEqual(original.Seal.Signature, amended.Seal.Signature);

        var old = await _s.VerifyAsync(original.Identifier);
        Assert.True(old.Checks.Single(c => c.Name == "SEAL").Passed);
        Assert.False(old.Checks.Single(c => c.Name == "CURRENT_VERSION").Passed);
        Assert.Equal("SUPERSEDED", old.Reason);
        Assert.Equal("A类", old.License.Face["category"]);
        var current = await _s.VerifyAsync(amended.Identifier);
        Assert.True(current.Valid);
    }

    [Fact]
    public async Task Amend_AnOlderVersion_IsRefused()
    {
        var original = await _s.IssueAsync("AM-0002");
        await _s.Licenses(_s.IssuerKey).AmendLicenseAsync(Amend(original.Identifier, "B类"));

        await RpcAssert.FailsAsync(
            StatusCode.FailedPrecondition,
            async () => await _s.Licenses(_s.IssuerKey).AmendLicenseAsync(Amend(original.Identifier, "C类")),
            "NOT_CURRENT_VERSION");
    }

    [Fact]
    public async Task Amend_RevokedLicense_IsRefused()
    {
        var original = await _s.IssueAsync("AM-0003");
        await _s.ChangeStatusAsync(original.Identifier, LicenseStatus.Revoked);

        await RpcAssert.FailsAsync(
            StatusCode.FailedPrecondition,
            async () => await _s.Licenses(_s.IssuerKey).AmendLicenseAsync(Amend(original.Identifier, "B类")),
            "LICENSE_FINAL");
    }

    [Fact]
    public async Task Amend_KeepsStatus_SoASuspendedLicenseStaysSuspended()
    {
        var original = await _s.IssueAsync("AM-0004");
        await _s.ChangeStatusAsync(original.Identifier, LicenseStatus.Suspended);

        var amended = (await _s.Licenses(_s.IssuerKey).AmendLicenseAsync(Amend(original.Identifier, "B类"))).License;

        Assert.Equal(LicenseStatus.Suspended, amended.Status);
        Assert.Equal("SUSPENDED", (await _s.VerifyAsync(amended.Identifier)).Reason);
    }

    [Fact]
    public async Task KeyRotation_OldSealsStillVerify_NewSealsUseTheNewKey_RevocationFailsTheKeyCheck()
    {
        var before = await _s.IssueAsync("KR-0001");

        var rotated = await _s.Admin.RotateSigningKeyAsync(new RotateSigningKeyRequest());
        var after = await _s.IssueAsync("KR-0002");

        Assert.Equal(before.Seal.KeyId, rotated.RetiredKeyId);
        Assert.Equal(rotated.KeyId, after.Seal.KeyId);
        var old = await _s.VerifyAsync(before.Identifier);
        Assert.True(old.Valid, old.Reason);
        Assert.Contains("RETIRED", old.Checks.Single(c => c.Name == "KEY").Detail, StringComparison.Ordinal);
        var keys = await new VerificationService.VerificationServiceClient(_s.Hub.Channel()).GetSigningKeysAsync(new GetSigningKeysRequest());
        Assert.Equal(KeyStatus.Retired, keys.Keys.Single(k => k.KeyId == before.Seal.KeyId).Status);
        Assert.Equal(KeyStatus.Active, keys.Keys.Single(k => k.KeyId == rotated.KeyId).Status);

        await _s.Admin.RevokeSigningKeyAsync(new RevokeSigningKeyRequest { KeyId = before.Seal.KeyId, Reason = "私钥泄露演练" });

        var revoked = await _s.VerifyAsync(before.Identifier);
        Assert.False(revoked.Valid);
        Assert.Equal("KEY_REVOKED", revoked.Reason);
        Assert.True(revoked.Checks.Single(c => c.Name == "SEAL").Passed);
        Assert.True((await _s.VerifyAsync(after.Identifier)).Valid);
    }

    [Fact]
    public async Task RevokingTheActiveKey_RotatesToANewOne()
    {
        var keys = await new VerificationService.VerificationServiceClient(_s.Hub.Channel()).GetSigningKeysAsync(new GetSigningKeysRequest());
        var active = keys.Keys.Single(k => k.Status == KeyStatus.Active).KeyId;

        var response = await _s.Admin.RevokeSigningKeyAsync(new RevokeSigningKeyRequest { KeyId = active, Reason = "compromised" });

        Assert.NotEqual(active, response.ActiveKeyId);
        var license = await _s.IssueAsync("KR-0003");
        Assert.Equal(response.ActiveKeyId, license.Seal.KeyId);
        Assert.True((await _s.VerifyAsync(license.Identifier)).Valid);
    }

    [Fact]
    public async Task RevokeSigningKey_Unknown_IsNotFound() =>
        await RpcAssert.FailsAsync(
            StatusCode.NotFound,
            async () => await _s.Admin.RevokeSigningKeyAsync(new RevokeSigningKeyRequest { KeyId = "0123456789abcdef", Reason = "x" }),
            "SIGNING_KEY_NOT_FOUND");

    private static AmendLicenseRequest Amend(string identifier, string category) => LicenseScenario.AmendRequest(identifier, category);
}
