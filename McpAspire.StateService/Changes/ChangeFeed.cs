using System.Text.Json;
using StackExchange.Redis;
using McpAspire.StateService.Client;
using McpAspire.StateService.Storage;

namespace McpAspire.StateService.Changes;

/// <summary>
/// Publishes changes on the Redis channel every state service replica listens to. A message is
/// <c>{sessionId}\t{json}</c> so receivers can filter by session without parsing the JSON.
/// </summary>
public sealed class ChangeFeed
{
    private readonly IConnectionMultiplexer _redis;
    private readonly StateKeys _keys;
    private readonly TimeProvider _time;

    /// <summary>Creates the feed.</summary>
    public ChangeFeed(IConnectionMultiplexer redis, StateKeys keys, TimeProvider time)
    {
        _redis = redis;
        _keys = keys;
        _time = time;
    }

    /// <summary>Publishes one change.</summary>
    public Task PublishAsync(string type, string? sessionId, string? name = null, SessionEvent? sessionEvent = null, CancellationToken cancellationToken = default)
    {
        var change = new StateChange(type, sessionId, name, sessionEvent, _time.GetUtcNow());
        var json = JsonSerializer.Serialize(change, StateJsonContext.Default.StateChange);
        return _redis.GetSubscriber().PublishAsync(RedisChannel.Literal(_keys.ChangesChannel), (sessionId ?? "") + "\t" + json);
    }
}
