using Grpc.AspNetCore.Server;
using Hub.Core.Callers;
using Hub.Tests.Support;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Hub.Tests.Server.Infrastructure;

/// <summary>Deny by default: every RPC the hub serves names its roles or is explicitly anonymous.</summary>
public sealed class RoleDeclarationTests(PostgresCluster postgres) : IDisposable
{
    private readonly HubFactory _hub = new(postgres);

    [Fact]
    public void EveryGrpcMethod_DeclaresItsRolesOrIsAnonymous()
    {
        _ = _hub.Server;
        var methods = _hub.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .Select(e => (Endpoint: e, Method: e.Metadata.GetMetadata<GrpcMethodMetadata>()))
            .Where(e => e.Method is not null)
            .ToList();

        Assert.Contains(methods, m => m.Method!.Method.FullName == "/hub.admin.v1.AdminService/RegisterCaller");
        var undeclared = methods
            .Where(m => m.Method!.Method.FullName != "/*" && !m.Method.Method.FullName.EndsWith("/*", StringComparison.Ordinal))
            .Where(m => m.Endpoint.Metadata.GetMetadata<RequiresRoleAttribute>() is not { Roles.Count: > 0 }
                     && m.Endpoint.Metadata.GetMetadata<AnyCallerAttribute>() is null
                     && m.Endpoint.Metadata.GetMetadata<AllowAnonymousCallerAttribute>() is null)
            .Select(m => m.Method!.Method.FullName)
            .ToList();
        Assert.Empty(undeclared);
    }

    [Fact]
    public void OnlyHealthReflectionAndPublishedKeys_AreAnonymous()
    {
        _ = _hub.Server;
        var anonymous = _hub.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .Where(e => e.Metadata.GetMetadata<AllowAnonymousCallerAttribute>() is not null)
            .Select(e => e.Metadata.GetMetadata<GrpcMethodMetadata>()?.Method)
            .Where(m => m is not null)
            .Select(m => (m!.ServiceName, m.Name))
            .Distinct()
            .ToList();

        Assert.Contains(("hub.verification.v1.VerificationService", "GetSigningKeys"), anonymous);
        Assert.All(anonymous, m => Assert.True(
            m.ServiceName is "grpc.health.v1.Health" or "grpc.reflection.v1.ServerReflection" or "grpc.reflection.v1alpha.ServerReflection"
                || m == ("hub.verification.v1.VerificationService", "GetSigningKeys"),
            $"{m.ServiceName}/{m.Name} is anonymous"));
    }

    public void Dispose() => _hub.Dispose();
}
