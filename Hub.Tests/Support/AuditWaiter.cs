using Grpc.Core;
using Hub.Audit.V1;

namespace Hub.Tests.Support;

/// <summary>Checkpoints are written in the background: waits (bounded) until one covers an entry.</summary>
public static class AuditWaiter
{
    public static async Task<GetCheckpointResponse> CheckpointCoveringAsync(AuditService.AuditServiceClient audit, long logIndex)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            try
            {
                var checkpoint = await audit.GetCheckpointAsync(new GetCheckpointRequest());
                if ((long)checkpoint.TreeSize > logIndex)
                {
                    return checkpoint;
                }
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.FailedPrecondition && DateTime.UtcNow < deadline)
            {
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"no checkpoint covered entry {logIndex} within 15 s");
            }

            await Task.Delay(50);
        }
    }
}
