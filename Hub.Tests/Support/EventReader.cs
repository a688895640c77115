using Grpc.Core;
using Hub.Events.V1;

namespace Hub.Tests.Support;

/// <summary>Reads a Subscribe stream as a subscriber would: events until a count or a quiet period, heartbeats apart.</summary>
public static class EventReader
{
    /// <summary>The events that arrive within <paramref name="within"/>, stopping early once <paramref name="count"/> have.</summary>
    public static async Task<List<Event>> ReadAsync(
        EventService.EventServiceClient client, SubscribeRequest request, int count, TimeSpan? within = null, List<Heartbeat>? heartbeats = null)
    {
        using var deadline = new CancellationTokenSource(within ?? TimeSpan.FromSeconds(15));
        using var call = client.Subscribe(request, cancellationToken: deadline.Token);
        var events = new List<Event>();
        try
        {
            while (events.Count < count && await call.ResponseStream.MoveNext(deadline.Token))
            {
                if (call.ResponseStream.Current.KindCase == SubscribeResponse.KindOneofCase.Event)
                {
                    events.Add(call.ResponseStream.Current.Event);
                }
                else
                {
                    heartbeats?.Add(call.ResponseStream.Current.Heartbeat);
                }
            }
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.Cancelled && deadline.IsCancellationRequested)
        {
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
        }

        return events;
    }
}
