using System.Net.Sockets;
using Grpc.Core;
using Hub.Server.Exchange;

namespace Hub.Tests.Unit;

/// <summary>
/// Which failures of a provider call mean "the provider cannot be reached" (retried, PROVIDER_UNAVAILABLE) and which
/// mean "it answered with an error" (not retried, PROVIDER_FAILED). The gRPC client reports a connection the provider
/// accepted and reset before the HTTP/2 handshake as INTERNAL — seen once in a few thousand resets on a busy machine.
/// </summary>
[Trait("Category", "Unit")]
public sealed class ProviderReachabilityUnitTests
{
    [Fact]
    public void Unavailable_is_unreachable_whatever_lies_beneath() =>
        Assert.True(ProviderGateway.IsUnreachable(new RpcException(new Status(StatusCode.Unavailable, "down"))));

    [Fact]
    public void A_handshake_the_provider_never_completed_is_unreachable() =>
        Assert.True(ProviderGateway.IsUnreachable(new RpcException(new Status(StatusCode.Internal,
            "Error starting gRPC call.",
            new HttpRequestException("An HTTP/2 connection could not be established because the server did not complete the HTTP/2 handshake.")))));

    [Fact]
    public void A_reset_socket_beneath_an_internal_error_is_unreachable() =>
        Assert.True(ProviderGateway.IsUnreachable(new RpcException(new Status(StatusCode.Internal, "Error reading next message.",
            new IOException("The request was aborted.", new SocketException((int)SocketError.ConnectionReset))))));

    [Theory]
    [InlineData(StatusCode.Internal)] // the provider itself answered INTERNAL: its own defect, not an outage
    [InlineData(StatusCode.Unknown)]
    [InlineData(StatusCode.PermissionDenied)]
    [InlineData(StatusCode.ResourceExhausted)]
    public void A_status_the_provider_sent_is_an_answer_not_an_outage(StatusCode status) =>
        Assert.False(ProviderGateway.IsUnreachable(new RpcException(new Status(status, "from the provider"))));

    [Fact]
    public void An_internal_error_from_a_malformed_message_is_an_answer_not_an_outage() =>
        Assert.False(ProviderGateway.IsUnreachable(new RpcException(new Status(StatusCode.Internal, "Failed to deserialize response message.",
            new InvalidDataException("bad protobuf")))));
}
