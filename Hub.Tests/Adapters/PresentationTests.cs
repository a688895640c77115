using Grpc.Core;
using Hub.Common.V1;
using Hub.Licenses.V1;
using Hub.Tests.Support;
using Hub.Verification.V1;

namespace Hub.Tests.Adapters;

/// <summary>亮证: one-time, short-lived, signed presentations showing only the fields the holder chose.</summary>
public sealed class PresentationTests(LicenseScenarioFixture fixture) : IClassFixture<LicenseScenarioFixture>
{
    private readonly LicenseScenario _s = fixture.Scenario;

    private VerificationService.VerificationServiceClient Portal => new(_s.PortalFor(LicenseScenario.CitizenId));

    private VerificationService.VerificationServiceClient Window => new(_s.Hub.Channel(_s.VerifierKeys[DataLevel.L1Public]));

    [Fact]
    public async Task Presentation_ShowsOnlyTheChosenFields_AndWorksOnce()
    {
        var license = await _s.IssueAsync("PR-0001");
        var created = await Portal.CreatePresentationAsync(Create(license.Identifier, "category", "holder.name"));

        Assert.StartsWith("hp1.", created.Token, StringComparison.Ordinal);
        Assert.Equal([0x89, 0x50, 0x4E, 0x47], created.QrPng.ToByteArray()[..4]); // a PNG
        Assert.InRange(created.ExpiresAt.ToDateTimeOffset(), DateTimeOffset.UtcNow.AddSeconds(100), DateTimeOffset.UtcNow.AddSeconds(125));

        var first = await Window.VerifyPresentationAsync(new VerifyPresentationRequest { Token = created.Token, Purpose = "现场亮证" });
        Assert.True(first.Valid, first.Reason);
        Assert.Equal(["category"], first.License.Face.Keys);
        Assert.Equal("王小明", first.License.Holder.Name); // L2 for an L1 verifier, shown because the holder chose it
        Assert.Equal(string.Empty, first.License.Holder.IdNumber);
        Assert.Contains("verification.VerifyPresentation", first.Receipt.EntryJson, StringComparison.Ordinal);

        var second = await Window.VerifyPresentationAsync(new VerifyPresentationRequest { Token = created.Token, Purpose = "现场亮证" });
        Assert.False(second.Valid);
        Assert.Equal("ALREADY_USED", second.Reason);
        Assert.Null(second.License);
    }

    [Fact]
    public async Task Presentation_Expired_IsRefused()
    {
        var license = await _s.IssueAsync("PR-0002");
        var request = Create(license.Identifier, "category");
        request.TtlSeconds = 1;
        var created = await Portal.CreatePresentationAsync(request);

        fixture.Clock.Advance(TimeSpan.FromSeconds(2)); // past its one-second lifetime

        var answer = await Window.VerifyPresentationAsync(new VerifyPresentationRequest { Token = created.Token, Purpose = "现场亮证" });
        Assert.False(answer.Valid);
        Assert.Equal("EXPIRED", answer.Reason);
    }

    [Fact]
    public async Task Presentation_OfARevokedLicense_IsRefused()
    {
        var license = await _s.IssueAsync("PR-0003");
        var created = await Portal.CreatePresentationAsync(Create(license.Identifier, "category"));
        await _s.ChangeStatusAsync(license.Identifier, LicenseStatus.Revoked);

        var answer = await Window.VerifyPresentationAsync(new VerifyPresentationRequest { Token = created.Token, Purpose = "现场亮证" });

        Assert.False(answer.Valid);
        Assert.Equal("LICENSE_NOT_VALID", answer.Reason);
    }

    [Fact]
    public async Task Presentation_Altered_HasABadSignature()
    {
        var license = await _s.IssueAsync("PR-0004");
        var created = await Portal.CreatePresentationAsync(Create(license.Identifier, "category"));
        var parts = created.Token.Split('.');
        var payload = System.Text.Encoding.UTF8.GetString(System.Buffers.Text.Base64Url.DecodeFromChars(parts[1])).Replace("category", "address", StringComparison.Ordinal);
        var forged = $"{parts[0]}.{System.Buffers.Text.Base64Url.EncodeToString(System.Text.Encoding.UTF8.GetBytes(payload))}.{parts[2]}";

        var answer = await Window.VerifyPresentationAsync(new VerifyPresentationRequest { Token = forged, Purpose = "现场亮证" });
        var garbage = await Window.VerifyPresentationAsync(new VerifyPresentationRequest { Token = "not a token", Purpose = "现场亮证" });

        Assert.Equal("BAD_SIGNATURE", answer.Reason);
        Assert.Equal("BAD_SIGNATURE", garbage.Reason);
    }

    [Fact]
    public async Task CreatePresentation_Refusals()
    {
        var license = await _s.IssueAsync("PR-0005");
        var otherHolder = Create(license.Identifier, "category");
        otherHolder.Holder.IdNumber = LicenseScenario.OtherCitizenId;
        var tooLong = Create(license.Identifier, "category");
        tooLong.TtlSeconds = 301;

        await RpcAssert.FailsAsync(StatusCode.PermissionDenied, async () => await Portal.CreatePresentationAsync(otherHolder), "HOLDER_NOT_ASSERTED");
        var forTheOther = new VerificationService.VerificationServiceClient(_s.PortalFor(LicenseScenario.OtherCitizenId));
        await RpcAssert.FailsAsync(StatusCode.PermissionDenied, async () => await forTheOther.CreatePresentationAsync(otherHolder), "NOT_HOLDER");
        var invalid = await RpcAssert.FailsAsync(StatusCode.InvalidArgument, async () => await Portal.CreatePresentationAsync(tooLong));
        Assert.Equal(["ttl_seconds"], RpcAssert.ViolatedFields(invalid));
        var unknownField = await RpcAssert.FailsAsync(StatusCode.InvalidArgument, async () => await Portal.CreatePresentationAsync(Create(license.Identifier, "colour")));
        Assert.Equal(["fields[0]"], RpcAssert.ViolatedFields(unknownField));
        await RpcAssert.FailsAsync(StatusCode.PermissionDenied, async () => await Window.CreatePresentationAsync(Create(license.Identifier, "category")), "ROLE_REQUIRED");
        var noPurpose = await RpcAssert.FailsAsync(StatusCode.InvalidArgument, async () => await Window.VerifyPresentationAsync(new VerifyPresentationRequest { Token = "hp1.x.y" }));
        Assert.Equal(["purpose"], RpcAssert.ViolatedFields(noPurpose));
    }

    [Fact]
    public async Task Presentation_OfAVersionAmendedSince_IsRefusedAsSuperseded_AndTheOldVersionCannotBePresented()
    {
        var license = await _s.IssueAsync("PR-AMEND");
        var created = await Portal.CreatePresentationAsync(Create(license.Identifier, "category"));
        var amended = (await _s.Licenses(_s.IssuerKey).AmendLicenseAsync(LicenseScenario.AmendRequest(license.Identifier, "B类"))).License;

        var answer = await Window.VerifyPresentationAsync(new VerifyPresentationRequest { Token = created.Token, Purpose = "现场亮证" });
        var again = await RpcAssert.FailsAsync(StatusCode.FailedPrecondition, async () => await Portal.CreatePresentationAsync(Create(license.Identifier, "category")), "NOT_CURRENT_VERSION");
        var current = await Window.VerifyPresentationAsync(new VerifyPresentationRequest { Token = (await Portal.CreatePresentationAsync(Create(amended.Identifier, "category"))).Token, Purpose = "现场亮证" });

        Assert.False(answer.Valid);
        Assert.Equal("SUPERSEDED", answer.Reason);
        Assert.Null(answer.License);
        Assert.Contains("version 2", again.Status.Detail, StringComparison.Ordinal);
        Assert.True(current.Valid, current.Reason);
        Assert.Equal("B类", current.License.Face["category"]);
    }

    private static CreatePresentationRequest Create(string identifier, params string[] fields) => new()
    {
        Holder = new Holder { IdType = HolderIdType.CitizenId, IdNumber = LicenseScenario.CitizenId },
        Identifier = identifier,
        Fields = { fields },
    };
}
