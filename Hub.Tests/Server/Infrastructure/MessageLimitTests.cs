using Grpc.Core;
using Hub.Admin.V1;
using Hub.Common.V1;
using Hub.Tests.Support;

namespace Hub.Tests.Server.Infrastructure;

public sealed class MessageLimitTests(PostgresCluster postgres) : IDisposable
{
    private readonly HubFactory _hub = new(postgres, new Dictionary<string, string?> { ["Hub:MaxMessageBytes"] = "131072" });

    [Fact]
    public async Task OversizedMessage_IsResourceExhausted_AndWritesNothing()
    {
        var admin = new AdminService.AdminServiceClient(_hub.Channel(HubFactory.AdminApiKey));
        var request = new RegisterCallerRequest
        {
            OrgCode = "91350100M000100Y43",
            OrgName = new string('x', 200_000),
            SystemName = "big",
            Roles = { Role.Verifier },
            Clearance = DataLevel.L1Public,
        };

        await RpcAssert.FailsAsync(StatusCode.ResourceExhausted, async () => await admin.RegisterCallerAsync(request));

        Assert.Single((await admin.ListCallersAsync(new ListCallersRequest())).Callers);
    }

    public void Dispose() => _hub.Dispose();
}
