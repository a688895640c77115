using Hub.Core.Contracts;
using Hub.Core.Errors;
using Hub.Core.Ports;
using StackExchange.Redis;

namespace Hub.Server.Infrastructure.Redis;

/// <summary>
/// One-time nonces in Redis (<c>SET NX</c> with the nonce's expiry). When Redis cannot answer the hub refuses with
/// <c>Unavailable</c> rather than guess: falling back elsewhere could accept a nonce Redis already consumed.
/// </summary>
public sealed class RedisNonceStore(RedisConnection redis, TimeProvider time, ILogger<RedisNonceStore> logger) : IOneTimeNonceStore
{
    public async Task<bool> TryConsumeAsync(string scope, string nonce, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        // Keep the key a little past expiry so a token presented right at its deadline still counts as used.
        var keep = expiresAt - time.GetUtcNow() + TimeSpan.FromMinutes(1);
        try
        {
            return await redis.RunAsync(() => redis.Database.StringSetAsync(
                redis.Key($"nonce:{scope}:{nonce}"), 1, keep > TimeSpan.Zero ? keep : TimeSpan.FromMinutes(1), When.NotExists));
        }
        catch (RedisException e)
        {
            if (e is not RedisCircuitOpenException)
            {
                logger.RedisUnavailable("nonce consume", e.GetType().Name);
            }

            throw new HubException(HubError.Unavailable(ReasonCodes.NonceStoreUnavailable, "the one-time nonce store (Redis) is unavailable; retry shortly."));
        }
    }
}
