#pragma warning disable MCP9006 // The SDK marks its stateful resumability types obsolete for 2026; 2025 sessions still need them.
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace McpAspire.Mcp.Events;

/// <summary>
/// Lets the SDK's <see cref="StreamableHttpServerTransport"/> keep its SSE events in an <see cref="IMcpEventStore"/>,
/// so POST response streams and the GET stream can be resumed with <c>Last-Event-ID</c>.
/// </summary>
internal sealed class SdkEventStreamStore(IMcpEventStore store) : ISseEventStreamStore
{
    internal static readonly System.Text.Json.Serialization.Metadata.JsonTypeInfo<JsonRpcMessage> MessageTypeInfo =
        (System.Text.Json.Serialization.Metadata.JsonTypeInfo<JsonRpcMessage>)McpJsonUtilities.DefaultOptions.GetTypeInfo(typeof(JsonRpcMessage));

    public ValueTask<ISseEventStreamWriter> CreateStreamAsync(SseEventStreamOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        return ValueTask.FromResult<ISseEventStreamWriter>(new Writer(store, options.SessionId, options.StreamId));
    }

    public async ValueTask<ISseEventStreamReader?> GetStreamReaderAsync(string lastEventId, CancellationToken cancellationToken)
    {
        if (!McpEventId.TryParse(lastEventId, out var sessionId, out var streamId, out var sequence)
            || !await store.ExistsAsync(sessionId, streamId, cancellationToken).ConfigureAwait(false))
        {
            return null;
        }
        return new Reader(store, sessionId, streamId, sequence);
    }

    private sealed class Writer(IMcpEventStore store, string sessionId, string streamId) : ISseEventStreamWriter
    {
        public ValueTask SetModeAsync(SseEventStreamMode mode, CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public async ValueTask<SseItem<JsonRpcMessage?>> WriteEventAsync(SseItem<JsonRpcMessage?> sseItem, CancellationToken cancellationToken)
        {
            if (sseItem.EventId is not null)
            {
                return sseItem;
            }
            var data = sseItem.Data is null ? ReadOnlyMemory<byte>.Empty : JsonSerializer.SerializeToUtf8Bytes(sseItem.Data, MessageTypeInfo);
            var sequence = await store.AppendAsync(sessionId, streamId, data, sseItem.ReconnectionInterval, cancellationToken).ConfigureAwait(false);
            return new SseItem<JsonRpcMessage?>(sseItem.Data, sseItem.EventType)
            {
                EventId = McpEventId.Format(sessionId, streamId, sequence),
                ReconnectionInterval = sseItem.ReconnectionInterval,
            };
        }

        public ValueTask DisposeAsync() => store.CompleteAsync(sessionId, streamId, CancellationToken.None);
    }

    private sealed class Reader(IMcpEventStore store, string sessionId, string streamId, long after) : ISseEventStreamReader
    {
        public string SessionId => sessionId;

        public string StreamId => streamId;

        public async IAsyncEnumerable<SseItem<JsonRpcMessage?>> ReadEventsAsync([EnumeratorCancellation] CancellationToken cancellationToken)
        {
            await foreach (var item in store.ReadAfterAsync(sessionId, streamId, after, follow: true, cancellationToken).ConfigureAwait(false))
            {
                if (item.Data.IsEmpty)
                {
                    continue; // priming events only carry an id; the client already has one
                }
                var message = JsonSerializer.Deserialize(item.Data.Span, MessageTypeInfo);
                yield return new SseItem<JsonRpcMessage?>(message, SseParser.EventTypeDefault)
                {
                    EventId = McpEventId.Format(sessionId, streamId, item.Sequence),
                };
            }
        }
    }
}
