using System.Globalization;
using System.Net.ServerSentEvents;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.Options;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using StackExchange.Redis;

namespace McpAspire.SessionSharing;

#pragma warning disable MCP9006 // The SDK marks stateful-HTTP resumability obsolete for 2026-07-28; 2025 sessions still need it.

/// <summary>
/// The SDK's <see cref="ISseEventStreamStore"/> on Redis for replicas sharing sessions: every event is appended by one
/// Lua script (session counter <c>INCR</c>, <c>XADD</c> with id <c>0-{n}</c>, TTL, <c>PUBLISH</c> to the session's
/// channel), so ids are numbered by Redis, not by a replica, and a reader on any replica — subscribed before it reads,
/// then reading after the last id it has — gets every event exactly once and in order, whichever replica wrote it.
/// Also holds the session's shared GET stream (<see cref="UnsolicitedStreamId"/>), written by
/// <see cref="UnsolicitedMessageRecorder"/> and ended by a DELETE.
/// </summary>
public sealed class RedisEventStreamStore : ISseEventStreamStore
{
    /// <summary>The SDK's id of a session's GET (unsolicited messages) stream.</summary>
    public const string UnsolicitedStreamId = "__get__";

    internal const string KindMessage = "m";
    internal const string KindPriming = "p";
    internal const string KindEnd = "e";

    // KEYS: counter, stream. ARGV: session ttl ms, channel, encoded stream id, kind, payload, event type, retry ms,
    // stream ttl ms (shorter once the stream ends: see SessionSharingOptions.CompletedStreamRetention).
    private const string AppendScript = """
        local n = redis.call('INCR', KEYS[1])
        redis.call('PEXPIRE', KEYS[1], ARGV[1])
        redis.call('XADD', KEYS[2], '0-' .. n, 'k', ARGV[4], 'd', ARGV[5], 't', ARGV[6], 'r', ARGV[7])
        redis.call('PEXPIRE', KEYS[2], ARGV[8])
        redis.call('PUBLISH', ARGV[2], ARGV[3])
        return n
        """;

    internal static readonly JsonTypeInfo<JsonRpcMessage> MessageTypeInfo =
        (JsonTypeInfo<JsonRpcMessage>)McpJsonUtilities.DefaultOptions.GetTypeInfo(typeof(JsonRpcMessage));

    private readonly IConnectionMultiplexer _redis;

    /// <summary>Creates the store.</summary>
    public RedisEventStreamStore(IConnectionMultiplexer redis, IOptions<SessionSharingOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _redis = redis ?? throw new ArgumentNullException(nameof(redis));
        Options = options.Value;
    }

    internal SessionSharingOptions Options { get; }

    internal IDatabase Db => _redis.GetDatabase();

    internal ISubscriber Subscriber => _redis.GetSubscriber();

    internal RedisStreamKeys Keys(string sessionId, string streamId) => new(Options.RedisKeyPrefix, sessionId, streamId);

    /// <inheritdoc />
    public async ValueTask<ISseEventStreamWriter> CreateStreamAsync(SseEventStreamOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var writer = new RedisEventStreamWriter(this, Keys(options.SessionId, options.StreamId));
        if (options.Mode == SseEventStreamMode.Polling)
        {
            await writer.SetModeAsync(SseEventStreamMode.Polling, cancellationToken).ConfigureAwait(false);
        }
        return writer;
    }

    /// <inheritdoc />
    public async ValueTask<ISseEventStreamReader?> GetStreamReaderAsync(string lastEventId, CancellationToken cancellationToken = default)
    {
        if (!EventIds.TryParse(lastEventId, out var sessionId, out var streamId, out var sequence))
        {
            return null; // the SDK answers 400: invalid or expired
        }
        var keys = Keys(sessionId, streamId);
        if (!await Guard(() => Db.KeyExistsAsync(keys.Stream)).ConfigureAwait(false))
        {
            return null;
        }
        return new RedisEventStreamReader(this, keys, sequence);
    }

    /// <summary>Records a message sent outside any request in the session's shared GET stream.</summary>
    public Task<long> AppendUnsolicitedAsync(string sessionId, JsonRpcMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return AppendAsync(Keys(sessionId, UnsolicitedStreamId), KindMessage, JsonSerializer.Serialize(message, MessageTypeInfo), null, null);
    }

    /// <summary>Starts a client's view of the shared GET stream: appends a priming event and returns a reader that begins with it.</summary>
    public async Task<ISseEventStreamReader> OpenUnsolicitedStreamAsync(string sessionId, TimeSpan? retry)
    {
        var keys = Keys(sessionId, UnsolicitedStreamId);
        var sequence = await AppendAsync(keys, KindPriming, "", "prime", retry).ConfigureAwait(false);
        return new RedisEventStreamReader(this, keys, sequence - 1);
    }

    /// <summary>Ends the shared GET stream (the session was deleted): open readers on every replica finish.</summary>
    public Task EndUnsolicitedStreamAsync(string sessionId) => AppendAsync(Keys(sessionId, UnsolicitedStreamId), KindEnd, "", null, null);

    // A stream that has ended is kept only for clients resuming it; the session's counter lives on with the session.
    private long StreamTtlMilliseconds(string kind, long sessionTtl) =>
        kind == KindEnd ? Math.Min(sessionTtl, (long)Options.CompletedStreamRetention.TotalMilliseconds) : sessionTtl;

    internal async Task<long> AppendAsync(RedisStreamKeys keys, string kind, string payload, string? eventType, TimeSpan? retry, CommandFlags flags = CommandFlags.None)
    {
        var ttl = (long)Options.IdleTimeout.TotalMilliseconds;
        var result = await Guard(() => Db.ScriptEvaluateAsync(
            AppendScript,
            [keys.Sequence, keys.Stream],
            [
                ttl, keys.Channel.ToString(), keys.EncodedStream, kind, payload, eventType ?? "",
                retry is { } r ? ((long)r.TotalMilliseconds).ToString(CultureInfo.InvariantCulture) : "",
                Math.Max(1, StreamTtlMilliseconds(kind, ttl)),
            ],
            flags)).ConfigureAwait(false);
        return result.IsNull ? 0 : (long)result;
    }

    /// <summary>Turns Redis failures into <see cref="SessionStoreUnavailableException"/>.</summary>
    internal static async Task<T> Guard<T>(Func<Task<T>> call)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RedisConnectionException or RedisTimeoutException)
        {
            throw new SessionStoreUnavailableException("Redis is unavailable: " + ex.Message, ex);
        }
    }

    /// <summary>Decodes one stream entry; <paramref name="end"/> is set for the end marker.</summary>
    internal static SseItem<JsonRpcMessage?> Decode(StreamEntry entry, string eventId, out bool end)
    {
        string kind = entry["k"].ToString();
        end = kind == KindEnd;
        var data = kind == KindMessage ? JsonSerializer.Deserialize(entry["d"].ToString(), MessageTypeInfo) : null;
        var type = entry["t"].ToString();
        var retry = entry["r"].ToString();
        return new SseItem<JsonRpcMessage?>(data, string.IsNullOrEmpty(type) ? null : type)
        {
            EventId = eventId,
            ReconnectionInterval = long.TryParse(retry, NumberStyles.None, CultureInfo.InvariantCulture, out var ms) ? TimeSpan.FromMilliseconds(ms) : null,
        };
    }
}
