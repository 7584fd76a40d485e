using System.Net.ServerSentEvents;
using System.Text.Json;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using StackExchange.Redis;

namespace McpAspire.SessionSharing;

#pragma warning disable MCP9006 // stateful-HTTP resumability, still what 2025 sessions need

/// <summary>Writes one SSE stream (a POST's response stream) into Redis; disposing appends the end marker.</summary>
internal sealed class RedisEventStreamWriter(RedisEventStreamStore store, RedisStreamKeys keys) : ISseEventStreamWriter
{
    private int _disposed;

    public async ValueTask SetModeAsync(SseEventStreamMode mode, CancellationToken cancellationToken = default)
    {
        var db = store.Db;
        if (mode == SseEventStreamMode.Polling)
        {
            await RedisEventStreamStore.Guard(() => db.StringSetAsync(keys.Mode, "polling", store.Options.IdleTimeout)).ConfigureAwait(false);
        }
        else
        {
            await RedisEventStreamStore.Guard(() => db.KeyDeleteAsync(keys.Mode)).ConfigureAwait(false);
        }
        // Readers waiting on this stream re-read and see the mode.
        await RedisEventStreamStore.Guard(() => store.Subscriber.PublishAsync(keys.Channel, keys.EncodedStream)).ConfigureAwait(false);
    }

    public async ValueTask<SseItem<JsonRpcMessage?>> WriteEventAsync(SseItem<JsonRpcMessage?> sseItem, CancellationToken cancellationToken = default)
    {
        if (sseItem.EventId is not null)
        {
            return sseItem;
        }
        var payload = sseItem.Data is { } message ? JsonSerializer.Serialize(message, RedisEventStreamStore.MessageTypeInfo) : "";
        var kind = sseItem.Data is null ? RedisEventStreamStore.KindPriming : RedisEventStreamStore.KindMessage;
        var sequence = await store.AppendAsync(keys, kind, payload, sseItem.EventType, sseItem.ReconnectionInterval).ConfigureAwait(false);
        return sseItem with { EventId = EventIds.Format(keys.SessionId, keys.StreamId, sequence) };
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        try
        {
            // Fire and forget: commands on one connection keep their order, so the marker lands after the last event
            // without costing the request a round trip.
            await store.AppendAsync(keys, RedisEventStreamStore.KindEnd, "", null, null, CommandFlags.FireAndForget).ConfigureAwait(false);
        }
        catch (SessionStoreUnavailableException)
        {
            // A reader of this stream then waits until its client gives up; nothing else to do without Redis.
        }
    }
}
