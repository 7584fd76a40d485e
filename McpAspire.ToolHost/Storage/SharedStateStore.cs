using System.Security.Cryptography;
using System.Text.Json;
using StackExchange.Redis;
using McpAspire.ToolHost.Agents;
using Microsoft.Extensions.Options;

namespace McpAspire.ToolHost.Storage;

/// <summary>
/// Shared context (<c>ctx:{key}</c>) and server-minted handles (<c>handle:{id}</c>): JSON strings that always carry a
/// TTL, so nothing outlives its use without an owner. Value and TTL are read in one pipelined round trip.
/// </summary>
internal sealed class SharedStateStore
{
    private readonly IConnectionMultiplexer _redis;
    private readonly ToolHostKeys _keys;
    private readonly TimeProvider _time;

    public SharedStateStore(IConnectionMultiplexer redis, IOptions<AgentOptions> options, TimeProvider time)
    {
        _redis = redis;
        _keys = new ToolHostKeys(options.Value.KeyPrefix);
        _time = time;
    }

    private IDatabase Db => _redis.GetDatabase();

    public async Task<ContextEntry> PutContextAsync(string key, string json, int ttlSeconds, CancellationToken cancellationToken)
    {
        var ttl = TimeSpan.FromSeconds(ttlSeconds);
        await Db.StringSetAsync(_keys.Context(key), json, ttl).ConfigureAwait(false);
        return new ContextEntry(key, true, Parse(json), _time.GetUtcNow() + ttl);
    }

    public async Task<ContextEntry> GetContextAsync(string key, CancellationToken cancellationToken)
    {
        var (value, expires) = await ReadAsync(_keys.Context(key), cancellationToken).ConfigureAwait(false);
        return value is null ? new ContextEntry(key, false, null, null) : new ContextEntry(key, true, value, expires);
    }

    public async Task<bool> DeleteContextAsync(string key, CancellationToken cancellationToken) =>
        await Db.KeyDeleteAsync(_keys.Context(key)).ConfigureAwait(false);

    public async Task<HandleEntry> CreateHandleAsync(string json, int ttlSeconds, CancellationToken cancellationToken)
    {
        // 128 random bits: unguessable, so a handle is a capability to its value.
        var handle = "h_" + Base64Url(RandomNumberGenerator.GetBytes(16));
        var ttl = TimeSpan.FromSeconds(ttlSeconds);
        await Db.StringSetAsync(_keys.Handle(handle), json, ttl, When.NotExists).ConfigureAwait(false);
        return new HandleEntry(handle, true, null, _time.GetUtcNow() + ttl);
    }

    public async Task<HandleEntry> GetHandleAsync(string handle, int? extendTtlSeconds, CancellationToken cancellationToken)
    {
        if (extendTtlSeconds is { } extend)
        {
            await Db.KeyExpireAsync(_keys.Handle(handle), TimeSpan.FromSeconds(extend)).ConfigureAwait(false);
        }
        var (value, expires) = await ReadAsync(_keys.Handle(handle), cancellationToken).ConfigureAwait(false);
        return value is null ? new HandleEntry(handle, false, null, null) : new HandleEntry(handle, true, value, expires);
    }

    public async Task<bool> ReleaseHandleAsync(string handle, CancellationToken cancellationToken) =>
        await Db.KeyDeleteAsync(_keys.Handle(handle)).ConfigureAwait(false);

    private async Task<(JsonElement? Value, DateTimeOffset? Expires)> ReadAsync(string key, CancellationToken cancellationToken)
    {
        var db = Db;
        var get = db.StringGetAsync(key);
        var ttl = db.KeyTimeToLiveAsync(key);
        var value = await get.ConfigureAwait(false);
        var left = await ttl.ConfigureAwait(false);
        if (value.IsNull)
        {
            return (null, null);
        }
        return (Parse((string)value!), left is { } l ? _time.GetUtcNow() + l : null);
    }

    private static JsonElement Parse(string json) => JsonSerializer.Deserialize(json, AgentJsonContext.Default.JsonElement);

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
