using Google.Rpc;
using Grpc.Core;

namespace Hub.Tests.Support;

/// <summary>Asserts on refused calls the way a client reads them: status code, ErrorInfo reason, field violations.</summary>
public static class RpcAssert
{
    public static async Task<RpcException> FailsAsync(StatusCode expected, Func<Task> call, string? reason = null)
    {
        var exception = await Assert.ThrowsAsync<RpcException>(call);
        Assert.Equal(expected, exception.StatusCode);
        if (reason is not null)
        {
            Assert.Equal(reason, Reason(exception));
        }

        return exception;
    }

    public static string? Reason(RpcException exception) => exception.GetRpcStatus()?.GetDetail<ErrorInfo>()?.Reason;

    public static IReadOnlyList<string> ViolatedFields(RpcException exception) =>
        exception.GetRpcStatus()?.GetDetail<BadRequest>()?.FieldViolations.Select(v => v.Field).ToList() ?? [];
}
