using System.Threading.Channels;
using Grpc.Core;
using Hub.Core.Callers;
using Hub.Core.Errors;
using Hub.Licenses.V1;

namespace Hub.Server.Licenses.Import;

/// <summary>
/// One ImportLicenses stream as a three-stage pipeline, so a client streaming batches keeps every part busy: while
/// batch k is in PostgreSQL, batch k+1 is validated and sealed on the CPU, and batch k−1 waits for its audit indices.
/// Answers leave in order, each once its batch committed and its entries were sequenced. A batch the hub refuses as
/// a whole (too large) ends the stream with that error after the answers to the batches before it.
/// </summary>
internal static class ImportStream
{
    /// <summary>Batches between two stages: enough to overlap them, few enough to bound memory (~2 MB a batch).</summary>
    private const int StageCapacity = 2;

    public static async Task RunAsync(
        LicenseImporter importer, Caller caller, IAsyncStreamReader<ImportLicensesRequest> requests, IServerStreamWriter<ImportLicensesResponse> responses, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var prepared = Channel.CreateBounded<LicenseImporter.PreparedBatch>(StageCapacity);
        var written = Channel.CreateBounded<LicenseImporter.WrittenBatch>(StageCapacity);

        var prepare = Task.Run(
            async () =>
            {
                try
                {
                    await foreach (var request in requests.ReadAllAsync(stop.Token))
                    {
                        await prepared.Writer.WriteAsync(Rpc.Respond(await importer.PrepareAsync(caller, request, stop.Token)), stop.Token);
                    }
                }
                finally
                {
                    prepared.Writer.TryComplete();
                }
            },
            stop.Token);
        var write = Task.Run(
            async () =>
            {
                try
                {
                    await foreach (var batch in prepared.Reader.ReadAllAsync(stop.Token))
                    {
                        await written.Writer.WriteAsync(await importer.WriteAsync(batch, stop.Token), stop.Token);
                    }
                }
                finally
                {
                    written.Writer.TryComplete();
                }
            },
            stop.Token);

        try
        {
            await foreach (var batch in written.Reader.ReadAllAsync(stop.Token))
            {
                await batch.Sequenced;
                await responses.WriteAsync(batch.Response, stop.Token);
            }

            // Both stages have finished; surface the first failure (e.g. a batch refused as a whole).
            await prepare;
            await write;
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(prepare, write).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }
}
