using Grpc.Core;
using Hub.Licenses.V1;
using Hub.Tests.Support;

namespace Hub.Tests.Server.Licenses;

/// <summary>Every status transition, allowed and refused, through ChangeLicenseStatus.</summary>
public sealed class LicenseStatusTests(LicenseScenarioFixture fixture) : IClassFixture<LicenseScenarioFixture>
{
    private readonly LicenseScenario _s = fixture.Scenario;

    public static TheoryData<LicenseStatus[], LicenseStatus> Allowed => new()
    {
        { [], LicenseStatus.Suspended },
        { [], LicenseStatus.Revoked },
        { [], LicenseStatus.Cancelled },
        { [LicenseStatus.Suspended], LicenseStatus.Valid },
        { [LicenseStatus.Suspended], LicenseStatus.Revoked },
        { [LicenseStatus.Suspended], LicenseStatus.Cancelled },
    };

    public static TheoryData<LicenseStatus[], LicenseStatus> Refused => new()
    {
        { [], LicenseStatus.Valid },
        { [LicenseStatus.Suspended], LicenseStatus.Suspended },
        { [LicenseStatus.Revoked], LicenseStatus.Valid },
        { [LicenseStatus.Revoked], LicenseStatus.Suspended },
        { [LicenseStatus.Revoked], LicenseStatus.Cancelled },
        { [LicenseStatus.Cancelled], LicenseStatus.Valid },
        { [LicenseStatus.Cancelled], LicenseStatus.Suspended },
        { [LicenseStatus.Cancelled], LicenseStatus.Revoked },
    };

    [Theory]
    [MemberData(nameof(Allowed))]
    public async Task ChangeStatus_AllowedTransition_TakesEffectAndShowsInVerification(LicenseStatus[] before, LicenseStatus to)
    {
        var license = await _s.IssueAsync("ST-" + Guid.NewGuid().ToString("N")[..10]);
        foreach (var status in before)
        {
            await _s.ChangeStatusAsync(license.Identifier, status);
        }

        var changed = await _s.ChangeStatusAsync(license.Identifier, to);

        Assert.Equal(to, changed.Status);
        var verified = await _s.VerifyAsync(license.Identifier);
        Assert.Equal(to == LicenseStatus.Valid, verified.Valid);
        Assert.Equal(to, verified.Status);
        Assert.Equal(to == LicenseStatus.Valid ? string.Empty : to.ToString().ToUpperInvariant(), verified.Reason);
    }

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task ChangeStatus_RefusedTransition_IsFailedPreconditionAndChangesNothing(LicenseStatus[] before, LicenseStatus to)
    {
        var license = await _s.IssueAsync("ST-" + Guid.NewGuid().ToString("N")[..10]);
        foreach (var status in before)
        {
            await _s.ChangeStatusAsync(license.Identifier, status);
        }

        await RpcAssert.FailsAsync(StatusCode.FailedPrecondition, () => _s.ChangeStatusAsync(license.Identifier, to), "STATUS_TRANSITION_REFUSED");

        Assert.Equal(before.Length == 0 ? LicenseStatus.Valid : before[^1], (await _s.VerifyAsync(license.Identifier)).Status);
    }

    [Fact]
    public async Task ChangeStatus_ToExpired_IsInvalidBecauseExpiryIsComputed()
    {
        var license = await _s.IssueAsync("ST-EXP");

        var error = await RpcAssert.FailsAsync(StatusCode.InvalidArgument, () => _s.ChangeStatusAsync(license.Identifier, LicenseStatus.Expired));

        Assert.Equal(["status"], RpcAssert.ViolatedFields(error));
    }

    [Fact]
    public async Task ChangeStatus_WithoutReason_IsInvalid()
    {
        var license = await _s.IssueAsync("ST-REASON");

        var error = await RpcAssert.FailsAsync(StatusCode.InvalidArgument, async () => await _s.Licenses(_s.IssuerKey).ChangeLicenseStatusAsync(new ChangeLicenseStatusRequest
        {
            RequestId = "r-1",
            Identifier = license.Identifier,
            Status = LicenseStatus.Suspended,
        }));

        Assert.Equal(["reason"], RpcAssert.ViolatedFields(error));
    }

    [Fact]
    public async Task ChangeStatus_ByAnotherIssuingOrganisation_IsPermissionDenied()
    {
        var license = await _s.IssueAsync("ST-OTHER");

        await RpcAssert.FailsAsync(
            StatusCode.PermissionDenied,
            () => _s.ChangeStatusAsync(license.Identifier, LicenseStatus.Revoked, _s.OtherIssuerKey),
            "NOT_ISSUER_OF_LICENSE");
    }

    [Fact]
    public async Task ChangeStatus_RetriedRequestId_ReturnsTheFirstAnswerEvenAfterLaterChanges()
    {
        var license = await _s.IssueAsync("ST-RETRY");
        var suspend = new ChangeLicenseStatusRequest { RequestId = "suspend-1", Identifier = license.Identifier, Status = LicenseStatus.Suspended, Reason = "暂扣" };
        var client = _s.Licenses(_s.IssuerKey);
        await client.ChangeLicenseStatusAsync(suspend);
        await _s.ChangeStatusAsync(license.Identifier, LicenseStatus.Valid);

        var retried = await client.ChangeLicenseStatusAsync(suspend);

        Assert.Equal(LicenseStatus.Suspended, retried.License.Status);
        Assert.Equal(LicenseStatus.Valid, (await _s.VerifyAsync(license.Identifier)).Status);
    }

    [Fact]
    public async Task Expired_IsComputedFromValidUntil()
    {
        var license = await _s.IssueAsync("ST-PAST", validUntil: new Google.Type.Date { Year = 2024, Month = 6, Day = 30 });

        var verified = await _s.VerifyAsync(license.Identifier);

        Assert.Equal(LicenseStatus.Expired, verified.Status);
        Assert.False(verified.Valid);
        Assert.Equal("EXPIRED", verified.Reason);
        Assert.False(verified.Checks.Single(c => c.Name == "VALIDITY").Passed);
        Assert.True(verified.Checks.Single(c => c.Name == "STATUS").Passed);
    }
}
