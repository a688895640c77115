using Grpc.Core;
using Grpc.Health.V1;
using Hub.Admin.V1;
using Hub.Common.V1;
using Hub.Tests.Support;

namespace Hub.Tests.Server.Callers;

public sealed class AuthenticationTests(PostgresCluster postgres) : IDisposable
{
    private readonly HubFactory _hub = new(postgres);

    [Fact]
    public async Task Call_WithoutKey_IsUnauthenticated()
    {
        var client = new AdminService.AdminServiceClient(_hub.Channel());

        await RpcAssert.FailsAsync(StatusCode.Unauthenticated, async () => await client.ListCallersAsync(new ListCallersRequest()), "MISSING_CREDENTIALS");
    }

    [Fact]
    public async Task Call_WithUnknownKey_IsUnauthenticated()
    {
        var client = new AdminService.AdminServiceClient(_hub.Channel("hub_not-a-registered-key"));

        await RpcAssert.FailsAsync(StatusCode.Unauthenticated, async () => await client.ListCallersAsync(new ListCallersRequest()), "UNKNOWN_CREDENTIALS");
    }

    [Fact]
    public async Task Call_WithMalformedAuthorization_IsUnauthenticated()
    {
        var client = new AdminService.AdminServiceClient(_hub.Channel());
        var headers = new Metadata { { "authorization", "Basic dXNlcjpwYXNz" } };

        await RpcAssert.FailsAsync(StatusCode.Unauthenticated, async () => await client.ListCallersAsync(new ListCallersRequest(), headers), "MALFORMED_AUTHORIZATION");
    }

    [Fact]
    public async Task Call_WithWrongRole_IsPermissionDeniedWithTheRoleNeeded()
    {
        var verifierKey = await RegisterAsync(Role.Verifier);
        var client = new AdminService.AdminServiceClient(_hub.Channel(verifierKey));

        var error = await RpcAssert.FailsAsync(StatusCode.PermissionDenied, async () => await client.ListCallersAsync(new ListCallersRequest()), "ROLE_REQUIRED");

        Assert.Contains("ADMIN", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Call_ByDisabledCaller_IsRefusedAtOnce()
    {
        var secondAdminKey = await RegisterAsync(Role.Admin);
        var asSecond = new AdminService.AdminServiceClient(_hub.Channel(secondAdminKey));
        var list = await asSecond.ListCallersAsync(new ListCallersRequest());
        var second = list.Callers.Single(c => c.SystemName.StartsWith("system-", StringComparison.Ordinal));

        await Admin().DisableCallerAsync(new DisableCallerRequest { CallerId = second.CallerId, Reason = "key leaked" });

        await RpcAssert.FailsAsync(StatusCode.PermissionDenied, async () => await asSecond.ListCallersAsync(new ListCallersRequest()), "CALLER_DISABLED");
    }

    [Fact]
    public async Task Health_NeedsNoKey_AndReportsServing()
    {
        var health = new Health.HealthClient(_hub.Channel());

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, (await health.CheckAsync(new HealthCheckRequest())).Status);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, (await health.CheckAsync(new HealthCheckRequest { Service = "postgres" })).Status);
    }

    [Fact]
    public async Task Reflection_is_off_with_a_configured_database_unless_turned_on()
    {
        var off = new Grpc.Reflection.V1.ServerReflection.ServerReflectionClient(_hub.Channel());
        var failure = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            // The refusal may surface at the first write or at the first read: either is the same answer.
            using var refused = off.ServerReflectionInfo();
            await refused.RequestStream.WriteAsync(new Grpc.Reflection.V1.ServerReflectionRequest { ListServices = string.Empty });
            await refused.RequestStream.CompleteAsync();
            await refused.ResponseStream.MoveNext(CancellationToken.None);
        });
        Assert.Equal(StatusCode.Unimplemented, failure.StatusCode);

        using var on = new HubFactory(postgres, new Dictionary<string, string?> { ["Hub:Endpoints:Reflection"] = "true" });
        var reflection = new Grpc.Reflection.V1.ServerReflection.ServerReflectionClient(on.Channel());
        using var call = reflection.ServerReflectionInfo();
        await call.RequestStream.WriteAsync(new Grpc.Reflection.V1.ServerReflectionRequest { ListServices = string.Empty });
        await call.RequestStream.CompleteAsync();

        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
        Assert.Contains("hub.admin.v1.AdminService", call.ResponseStream.Current.ListServicesResponse.Service.Select(s => s.Name));
    }

    public void Dispose() => _hub.Dispose();

    private AdminService.AdminServiceClient Admin() => new(_hub.Channel(HubFactory.AdminApiKey));

    private async Task<string> RegisterAsync(Role role)
    {
        var response = await Admin().RegisterCallerAsync(new RegisterCallerRequest
        {
            OrgCode = "91350100M000100Y43",
            OrgName = "测试单位",
            SystemName = "system-" + Guid.NewGuid().ToString("N")[..8],
            Roles = { role },
            Clearance = DataLevel.L2Internal,
        });
        return response.ApiKey;
    }
}
