using System.Globalization;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using StackExchange.Redis;

namespace McpAspire.SessionSharing;

#pragma warning disable MCP9006 // stateful-HTTP resumability, still what 2025 sessions need

/// <summary>
/// Reads one SSE stream from Redis after a given sequence: subscribes to the session's channel first, then reads what is
/// stored, then re-reads after each announcement (or every <see cref="SessionSharingOptions.ReaderRecheckInterval"/>),
/// always from the last id it delivered — so no gap between catch-up and tail, no duplicate, whatever replica writes.
/// Ends at the end marker, in polling mode once caught up, or when the stream expired.
/// </summary>
internal sealed class RedisEventStreamReader(RedisEventStreamStore store, RedisStreamKeys keys, long afterSequence) : ISseEventStreamReader
{
    private const int PageSize = 256;

    public string SessionId => keys.SessionId;

    public string StreamId => keys.StreamId;

    public async IAsyncEnumerable<SseItem<JsonRpcMessage?>> ReadEventsAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var signal = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
        var encoded = keys.EncodedStream;
        Action<RedisChannel, RedisValue> onMessage = (_, value) =>
        {
            if (value == encoded)
            {
                signal.Writer.TryWrite(true);
            }
        };
        var subscriber = store.Subscriber;
        await RedisEventStreamStore.Guard(async () => { await subscriber.SubscribeAsync(keys.Channel, onMessage).ConfigureAwait(false); return true; }).ConfigureAwait(false);
        try
        {
            var after = afterSequence;
            var db = store.Db;
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var start = "0-" + (after + 1).ToString(CultureInfo.InvariantCulture);
                var entries = await RedisEventStreamStore.Guard(() => db.StreamRangeAsync(keys.Stream, start, "+", PageSize)).ConfigureAwait(false);
                foreach (var entry in entries)
                {
                    var id = entry.Id.ToString();
                    after = long.Parse(id.AsSpan(id.IndexOf('-', StringComparison.Ordinal) + 1), NumberStyles.None, CultureInfo.InvariantCulture);
                    var item = RedisEventStreamStore.Decode(entry, EventIds.Format(keys.SessionId, keys.StreamId, after), out var end);
                    if (end)
                    {
                        yield break;
                    }
                    yield return item;
                }
                if (entries.Length == PageSize)
                {
                    continue;
                }
                if (await RedisEventStreamStore.Guard(() => db.KeyExistsAsync(keys.Mode)).ConfigureAwait(false))
                {
                    yield break; // polling mode: what is there now, then the client reconnects
                }
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                wait.CancelAfter(store.Options.ReaderRecheckInterval);
                try
                {
                    await signal.Reader.ReadAsync(wait.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    if (!await RedisEventStreamStore.Guard(() => db.KeyExistsAsync(keys.Stream)).ConfigureAwait(false))
                    {
                        yield break; // expired with its session
                    }
                }
            }
        }
        finally
        {
            try
            {
                await subscriber.UnsubscribeAsync(keys.Channel, onMessage).ConfigureAwait(false);
            }
            catch (RedisException)
            {
                // the connection is gone; so is the subscription
            }
        }
    }
}
