using System.Globalization;
using System.Text.Json;
using StackExchange.Redis;
using McpAspire.StateService.Client;

namespace McpAspire.StateService.Storage;

/// <summary>Catalog (tools, prompts, resources) of one downstream server, cached with a TTL: <c>mcp:catalog:{server}</c>.</summary>
public sealed class CatalogCache
{
    private readonly IConnectionMultiplexer _redis;
    private readonly StateKeys _keys;
    private readonly TimeProvider _time;

    /// <summary>Creates the cache.</summary>
    public CatalogCache(IConnectionMultiplexer redis, StateKeys keys, TimeProvider time)
    {
        _redis = redis;
        _keys = keys;
        _time = time;
    }

    /// <summary>Stores a catalog for <paramref name="ttl"/>.</summary>
    public async Task<CatalogEntry> PutAsync(string server, JsonElement catalog, TimeSpan ttl, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var ttlSeconds = (long)ttl.TotalSeconds;
        var value = string.Create(CultureInfo.InvariantCulture, $"{now}|{ttlSeconds}|{catalog.GetRawText()}");
        await _redis.GetDatabase().StringSetAsync(_keys.Catalog(server), value, ttl).ConfigureAwait(false);
        return new CatalogEntry(server, catalog, DateTimeOffset.FromUnixTimeMilliseconds(now), ttlSeconds);
    }

    /// <summary>The cached catalog, or null when absent or expired.</summary>
    public async Task<CatalogEntry?> GetAsync(string server, CancellationToken cancellationToken)
    {
        var raw = await _redis.GetDatabase().StringGetAsync(_keys.Catalog(server)).ConfigureAwait(false);
        if (raw.IsNull)
        {
            return null;
        }
        var text = (string)raw!;
        var p1 = text.IndexOf('|', StringComparison.Ordinal);
        var p2 = text.IndexOf('|', p1 + 1);
        using var doc = JsonDocument.Parse(text.AsMemory(p2 + 1));
        return new CatalogEntry(
            server,
            doc.RootElement.Clone(),
            DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(text.AsSpan(0, p1), CultureInfo.InvariantCulture)),
            long.Parse(text.AsSpan(p1 + 1, p2 - p1 - 1), CultureInfo.InvariantCulture));
    }

    /// <summary>Invalidates; false when nothing was cached.</summary>
    public async Task<bool> DeleteAsync(string server, CancellationToken cancellationToken) =>
        await _redis.GetDatabase().KeyDeleteAsync(_keys.Catalog(server)).ConfigureAwait(false);
}
