using Google.Rpc;
using Grpc.Core;
using Hub.Core.Errors;

namespace Hub.Tests.Core;

[Trait("Category", "Unit")]
public sealed class HubErrorMappingTests
{
    [Fact]
    public void EveryErrorCode_MapsToItsOwnStatus()
    {
        var statuses = Enum.GetValues<HubErrorCode>().Select(c => c.ToStatusCode()).ToList();
        Assert.Equal(statuses.Count, statuses.Distinct().Count());
        Assert.DoesNotContain(StatusCode.Unknown, statuses);
        Assert.DoesNotContain(StatusCode.Internal, statuses);
    }

    [Fact]
    public void InvalidArgument_CarriesReasonAndEveryFieldViolation()
    {
        var error = HubError.InvalidArgument([new FieldViolation("org_code", "bad"), new FieldViolation("roles[0]", "unknown")]);

        var status = error.ToRpcException().GetRpcStatus()!;

        Assert.Equal((int)StatusCode.InvalidArgument, status.Code);
        Assert.Equal("INVALID_ARGUMENT", status.GetDetail<ErrorInfo>()!.Reason);
        Assert.Equal(HubErrorMapping.Domain, status.GetDetail<ErrorInfo>()!.Domain);
        Assert.Equal(["org_code", "roles[0]"], status.GetDetail<BadRequest>()!.FieldViolations.Select(v => v.Field));
    }

    [Fact]
    public void ResourceExhausted_CarriesRetryDelay()
    {
        var error = new HubError(HubErrorCode.ResourceExhausted, "RATE_LIMITED", "slow down") { RetryAfter = TimeSpan.FromMilliseconds(250) };

        var status = error.ToRpcException().GetRpcStatus()!;

        Assert.Equal(TimeSpan.FromMilliseconds(250), status.GetDetail<RetryInfo>()!.RetryDelay.ToTimeSpan());
    }
}
