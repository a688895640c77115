using Dapper;
using Grpc.Core;
using Hub.Admin.V1;
using Hub.Common.V1;
using Hub.Tests.Support;
using Npgsql;

namespace Hub.Tests.Server.Callers;

public sealed class AdminServiceTests(PostgresCluster postgres) : IDisposable
{
    private readonly HubFactory _hub = new(postgres);

    private AdminService.AdminServiceClient Admin => new(_hub.Channel(HubFactory.AdminApiKey));

    [Fact]
    public async Task RegisterCaller_ReturnsAKeyThatAuthenticatesWithTheGrantedRoles()
    {
        var response = await Admin.RegisterCallerAsync(Request("window-1", Role.Admin, Role.Verifier));

        Assert.StartsWith("hub_", response.ApiKey, StringComparison.Ordinal);
        Assert.Equal(47, response.ApiKey.Length); // "hub_" + 43 base64url characters = 256 bits
        Assert.Equal([Role.Admin, Role.Verifier], response.Caller.Roles);
        Assert.Equal(DataLevel.L2Internal, response.Caller.Clearance);
        var asNew = new AdminService.AdminServiceClient(_hub.Channel(response.ApiKey));
        Assert.NotEmpty((await asNew.ListCallersAsync(new ListCallersRequest())).Callers);
    }

    [Fact]
    public async Task RegisterCaller_StoresOnlyTheKeyHash_AndLogsTheChangeInTheSameTransaction()
    {
        var response = await Admin.RegisterCallerAsync(Request("window-1", Role.Verifier));

        await using var connection = new NpgsqlConnection(_hub.ConnectionString);
        var dump = string.Join('\n', await connection.QueryAsync<string>("SELECT row_to_json(c)::text FROM callers c"));
        Assert.DoesNotContain(response.ApiKey, dump, StringComparison.Ordinal);
        Assert.DoesNotContain(response.ApiKey[4..], dump, StringComparison.Ordinal);
        var logged = await connection.QuerySingleAsync<(string Action, string ObjectId)>(
            "SELECT action, object_id FROM access_log WHERE action = 'admin.RegisterCaller' AND object_id = @id", new { id = response.CallerId });
        Assert.Equal("admin.RegisterCaller", logged.Action);
    }

    [Fact]
    public async Task RegisterCaller_BadInput_ReportsEveryFieldAndWritesNothing()
    {
        var request = new RegisterCallerRequest
        {
            OrgCode = "914403001922038217",
            OrgName = new string('名', 201),
            SystemName = "",
            Roles = { Role.Verifier, Role.Unspecified },
            ClientCertificateThumbprints = { "abc" },
        };

        var error = await RpcAssert.FailsAsync(StatusCode.InvalidArgument, async () => await Admin.RegisterCallerAsync(request), "INVALID_ARGUMENT");

        Assert.Equal(
            ["org_code", "org_name", "system_name", "roles[1]", "clearance", "client_certificate_thumbprints[0]"],
            RpcAssert.ViolatedFields(error));
        Assert.Single((await Admin.ListCallersAsync(new ListCallersRequest())).Callers);
    }

    [Fact]
    public async Task RegisterCaller_SameSystemTwice_IsAlreadyExists()
    {
        await Admin.RegisterCallerAsync(Request("window-1", Role.Verifier));

        await RpcAssert.FailsAsync(StatusCode.AlreadyExists, async () => await Admin.RegisterCallerAsync(Request("window-1", Role.Verifier)), "CALLER_EXISTS");
    }

    [Fact]
    public async Task RegisterCaller_CertificateOfAnotherCaller_IsAlreadyExistsAndWritesNothing()
    {
        var thumbprint = new string('a', 64);
        await Admin.RegisterCallerAsync(Request("window-1", Role.Verifier, thumbprint: thumbprint));

        await RpcAssert.FailsAsync(
            StatusCode.AlreadyExists,
            async () => await Admin.RegisterCallerAsync(Request("window-2", Role.Verifier, thumbprint: thumbprint.ToUpperInvariant())),
            "CERTIFICATE_IN_USE");

        Assert.DoesNotContain((await Admin.ListCallersAsync(new ListCallersRequest())).Callers, c => c.SystemName == "window-2");
    }

    [Fact]
    public async Task ListCallers_PagesNewestFirstWithoutGapsOrRepeats()
    {
        for (var i = 0; i < 5; i++)
        {
            await Admin.RegisterCallerAsync(Request($"window-{i}", Role.Verifier));
        }

        var seen = new List<string>();
        var token = string.Empty;
        do
        {
            var page = await Admin.ListCallersAsync(new ListCallersRequest { PageSize = 2, PageToken = token });
            Assert.True(page.Callers.Count <= 2);
            seen.AddRange(page.Callers.Select(c => c.SystemName));
            token = page.NextPageToken;
        }
        while (token.Length > 0);

        Assert.Equal(["window-4", "window-3", "window-2", "window-1", "window-0", "hub-bootstrap-admin"], seen);
    }

    [Fact]
    public async Task ListCallers_PageSizeOverTheLimit_IsInvalidArgument()
    {
        var error = await RpcAssert.FailsAsync(StatusCode.InvalidArgument, async () => await Admin.ListCallersAsync(new ListCallersRequest { PageSize = 501 }));

        Assert.Equal(["page_size"], RpcAssert.ViolatedFields(error));
    }

    [Fact]
    public async Task DisableCaller_HidesItFromTheDefaultListAndKeepsTheReason()
    {
        var registered = await Admin.RegisterCallerAsync(Request("window-1", Role.Verifier));

        var disabled = await Admin.DisableCallerAsync(new DisableCallerRequest { CallerId = registered.CallerId, Reason = "system retired" });

        Assert.True(disabled.Caller.Disabled);
        Assert.Equal("system retired", disabled.Caller.DisabledReason);
        Assert.DoesNotContain((await Admin.ListCallersAsync(new ListCallersRequest())).Callers, c => c.CallerId == registered.CallerId);
        Assert.Contains((await Admin.ListCallersAsync(new ListCallersRequest { IncludeDisabled = true })).Callers, c => c.CallerId == registered.CallerId);
    }

    [Fact]
    public async Task DisableCaller_LastAdmin_IsRefused()
    {
        var admin = (await Admin.ListCallersAsync(new ListCallersRequest())).Callers.Single();

        await RpcAssert.FailsAsync(
            StatusCode.FailedPrecondition,
            async () => await Admin.DisableCallerAsync(new DisableCallerRequest { CallerId = admin.CallerId, Reason = "oops" }),
            "LAST_ADMIN");
    }

    [Fact]
    public async Task DisableCaller_UnknownOrMalformedId_IsNotFoundOrInvalid()
    {
        await RpcAssert.FailsAsync(
            StatusCode.NotFound,
            async () => await Admin.DisableCallerAsync(new DisableCallerRequest { CallerId = Guid.NewGuid().ToString(), Reason = "x" }),
            "CALLER_NOT_FOUND");
        var error = await RpcAssert.FailsAsync(
            StatusCode.InvalidArgument,
            async () => await Admin.DisableCallerAsync(new DisableCallerRequest { CallerId = "nope" }));
        Assert.Equal(["caller_id", "reason"], RpcAssert.ViolatedFields(error));
    }

    public void Dispose() => _hub.Dispose();

    private static RegisterCallerRequest Request(string system, Role role, Role? second = null, string? thumbprint = null)
    {
        var request = new RegisterCallerRequest
        {
            OrgCode = "91350100M000100Y43",
            OrgName = "福州测试单位",
            SystemName = system,
            Roles = { role },
            Clearance = DataLevel.L2Internal,
        };
        if (second is { } r)
        {
            request.Roles.Add(r);
        }

        if (thumbprint is not null)
        {
            request.ClientCertificateThumbprints.Add(thumbprint);
        }

        return request;
    }
}
