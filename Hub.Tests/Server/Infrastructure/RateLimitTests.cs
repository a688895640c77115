using Google.Rpc;
using Grpc.Core;
using Hub.Admin.V1;
using Hub.Tests.Support;

namespace Hub.Tests.Server.Infrastructure;

public sealed class RateLimitTests(PostgresCluster postgres) : IDisposable
{
    private readonly HubFactory _hub = new(postgres, new Dictionary<string, string?>
    {
        ["Hub:RateLimit:PermitsPerSecond"] = "1",
        ["Hub:RateLimit:Burst"] = "3",
    });

    [Fact]
    public async Task CallsPastTheBurst_AreResourceExhaustedWithARetryDelay()
    {
        var admin = new AdminService.AdminServiceClient(_hub.Channel(HubFactory.AdminApiKey));
        for (var i = 0; i < 3; i++)
        {
            await admin.ListCallersAsync(new ListCallersRequest(), cancellationToken: TestContext.Current.CancellationToken);
        }

        var error = await RpcAssert.FailsAsync(
            StatusCode.ResourceExhausted,
            async () => await admin.ListCallersAsync(new ListCallersRequest(), cancellationToken: TestContext.Current.CancellationToken),
            "RATE_LIMITED");

        Assert.True(error.GetRpcStatus()!.GetDetail<RetryInfo>()!.RetryDelay.ToTimeSpan() > TimeSpan.Zero);
    }

    public void Dispose() => _hub.Dispose();
}
