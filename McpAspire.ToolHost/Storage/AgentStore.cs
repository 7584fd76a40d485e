using System.Globalization;
using System.Text.Json;
using StackExchange.Redis;
using McpAspire.ToolHost.Agents;
using Microsoft.Extensions.Options;

namespace McpAspire.ToolHost.Storage;

/// <summary>
/// Agents, mailboxes and history in Redis (<see cref="ToolHostKeys"/>): every operation is one script, one round trip.
/// Changes are published on the <c>events</c> channel so waiting receivers and resource subscribers on any replica wake.
/// Inputs are validated by the tools; this class maps store outcomes to <see cref="AgentCoordinationException"/>.
/// </summary>
internal sealed class AgentStore
{
    private const int ListLimit = 1000;
    private static readonly JsonSerializerOptions s_json = AgentJsonContext.Default.Options;

    private readonly IConnectionMultiplexer _redis;
    private readonly AgentOptions _options;
    private readonly TimeProvider _time;

    public AgentStore(IConnectionMultiplexer redis, IOptions<AgentOptions> options, TimeProvider time)
    {
        _redis = redis;
        _options = options.Value;
        _time = time;
        Keys = new ToolHostKeys(_options.KeyPrefix);
    }

    public ToolHostKeys Keys { get; }

    private IDatabase Db => _redis.GetDatabase();

    private long Now => _time.GetUtcNow().ToUnixTimeMilliseconds();

    private long Window(int heartbeatSeconds) => heartbeatSeconds * 1000L * _options.MissedHeartbeats;

    private long Retention => (long)_options.MailboxRetention.TotalMilliseconds;

    public async Task<AgentRegistration> RegisterAsync(string id, string name, IReadOnlyList<string> capabilities, IReadOnlyDictionary<string, string> metadata, int heartbeatSeconds, CancellationToken cancellationToken)
    {
        var now = Now;
        var window = Window(heartbeatSeconds);
        var args = new RedisValue[9 + capabilities.Count];
        args[0] = Keys.Prefix;
        args[1] = id;
        args[2] = name;
        args[3] = JsonSerializer.Serialize(capabilities.ToArray(), AgentJsonContext.Default.StringArray);
        args[4] = JsonSerializer.Serialize(new Dictionary<string, string>(metadata, StringComparer.Ordinal), AgentJsonContext.Default.DictionaryStringString);
        args[5] = heartbeatSeconds;
        args[6] = now;
        args[7] = now + window;
        args[8] = window + Retention + 60_000;
        for (var i = 0; i < capabilities.Count; i++)
        {
            args[9 + i] = capabilities[i];
        }
        var created = (long)await Db.ScriptEvaluateAsync(AgentScripts.Register, Keys.Route, args).ConfigureAwait(false) == 1;
        await PublishAsync("agent:" + id, cancellationToken).ConfigureAwait(false);
        var agent = await GetAsync(id, cancellationToken).ConfigureAwait(false)
            ?? throw new AgentCoordinationException($"Agent '{id}' vanished right after registration.");
        return new AgentRegistration(agent, created);
    }

    public async Task<HeartbeatResult> HeartbeatAsync(string id, CancellationToken cancellationToken)
    {
        var result = await Db.ScriptEvaluateAsync(AgentScripts.Heartbeat, Keys.Route, [Keys.Prefix, id, Now, _options.MissedHeartbeats, Retention + 60_000]).ConfigureAwait(false);
        if (result.IsNull)
        {
            throw AgentCoordinationException.UnknownAgent(id);
        }
        var revived = (long)result[0] == 1;
        if (revived)
        {
            await PublishAsync("agent:" + id, cancellationToken).ConfigureAwait(false);
        }
        return new HeartbeatResult(id, "active", DateTimeOffset.FromUnixTimeMilliseconds((long)result[1]), revived);
    }

    public async Task<bool> UnregisterAsync(string id, CancellationToken cancellationToken)
    {
        var removed = (long)await Db.ScriptEvaluateAsync(AgentScripts.Unregister, Keys.Route, [Keys.Prefix, id]).ConfigureAwait(false) == 1;
        if (removed)
        {
            await PublishAsync("agent:" + id, cancellationToken).ConfigureAwait(false);
        }
        return removed;
    }

    public async Task<AgentInfo?> GetAsync(string id, CancellationToken cancellationToken)
    {
        var db = Db;
        var fields = db.HashGetAsync(Keys.Agent(id), [(RedisValue)"id", "name", "caps", "meta", "hb", "reg", "seen", "st"]);
        var length = db.ListLengthAsync(Keys.Mailbox(id));
        var values = await fields.ConfigureAwait(false);
        var queue = await length.ConfigureAwait(false);
        if (values[0].IsNull)
        {
            return null;
        }
        return ToAgent([.. values.Select(v => (string?)v)], queue, Now);
    }

    public async Task<IReadOnlyList<AgentInfo>> ListAsync(string? capability, string? status, CancellationToken cancellationToken)
    {
        var result = await Db.ScriptEvaluateAsync(AgentScripts.List, Keys.Route, [Keys.Prefix, capability ?? "", ListLimit]).ConfigureAwait(false);
        var now = Now;
        var agents = new List<AgentInfo>(result.Length);
        for (var i = 0; i < result.Length; i++)
        {
            var row = result[i];
            var fields = new string?[8];
            for (var f = 0; f < 8; f++)
            {
                fields[f] = (string?)row[f];
            }
            var agent = ToAgent(fields, (long)row[8], now);
            if (status is null || agent.Status == status)
            {
                agents.Add(agent);
            }
        }
        agents.Sort(static (a, b) => a.RegisteredAt != b.RegisteredAt ? a.RegisteredAt.CompareTo(b.RegisteredAt) : string.CompareOrdinal(a.Id, b.Id));
        return agents;
    }

    public async Task<SendResult> SendAsync(string route, string target, string? from, string type, JsonElement payload, int ttlSeconds, CancellationToken cancellationToken)
    {
        var now = Now;
        var expires = now + ttlSeconds * 1000L;
        var compressed = PayloadCompression.TryCompress(payload, _options.CompressionThresholdBytes, out var saved);
        var stored = compressed is null
            ? new StoredMessage(from, type, payload, route, route == "direct" ? null : target, now)
            : new StoredMessage(from, type, null, route, route == "direct" ? null : target, now, compressed.Value.Base64, compressed.Value.Length);
        var body = JsonSerializer.Serialize(stored, AgentJsonContext.Default.StoredMessage);
        var mode = route switch { "direct" => "to", "any" => "any", _ => "all" };
        var result = await Db.ScriptEvaluateAsync(AgentScripts.Send, Keys.Route,
            [Keys.Prefix, mode, target, now, expires, _options.MaxQueueLength, _options.MaxHistoryLength, Retention + 60_000, _options.MissedHeartbeats, from ?? "", body]).ConfigureAwait(false);
        if ((string?)result[0] == "err")
        {
            throw ((string?)result[1]) switch
            {
                "unknown_agent" => AgentCoordinationException.UnknownAgent(target),
                "unknown_sender" => new AgentCoordinationException($"Unknown sender agent '{from}': register it with agents_register or omit 'from'."),
                "no_agent" => new AgentCoordinationException($"No active agent has capability '{target}' (agents must be registered and heartbeating)."),
                "queue_full" => route == "direct"
                    ? new AgentCoordinationException($"Mailbox of agent '{target}' is full ({_options.MaxQueueLength} undelivered messages); the agent must receive messages before more can be sent.")
                    : new AgentCoordinationException($"Every active agent with capability '{target}' has a full mailbox ({_options.MaxQueueLength} undelivered messages)."),
                var other => new AgentCoordinationException($"Send failed: {other}."),
            };
        }
        var deliveries = new List<Delivery>();
        var skipped = new List<string>();
        var i = 1;
        for (; i < result.Length && (string?)result[i] != "|"; i += 2)
        {
            deliveries.Add(new Delivery((string)result[i + 1]!, ((long)result[i]).ToString(CultureInfo.InvariantCulture)));
        }
        for (i++; i < result.Length; i++)
        {
            skipped.Add((string)result[i]!);
        }
        if (compressed is not null && deliveries.Count > 0)
        {
            var batch = Db.CreateBatch();
            _ = batch.HashIncrementAsync(Keys.Stats, "compressed", 1, CommandFlags.FireAndForget);
            _ = batch.HashIncrementAsync(Keys.Stats, "bytes_saved", saved * deliveries.Count, CommandFlags.FireAndForget);
            batch.Execute();
        }
        return new SendResult(deliveries, skipped, DateTimeOffset.FromUnixTimeMilliseconds(expires));
    }

    public async Task<IReadOnlyList<AgentMessage>> ReceiveAsync(string id, int max, CancellationToken cancellationToken)
    {
        var result = await Db.ScriptEvaluateAsync(AgentScripts.Receive, Keys.Route, [Keys.Prefix, id, Now, max]).ConfigureAwait(false);
        return Decode(id, result);
    }

    public async Task<IReadOnlyList<AgentMessage>> ReplayAsync(string id, long afterSeq, int max, CancellationToken cancellationToken)
    {
        var result = await Db.ScriptEvaluateAsync(AgentScripts.Replay, Keys.Route, [Keys.Prefix, id, afterSeq, Now, max]).ConfigureAwait(false);
        return Decode(id, result);
    }

    public async Task<IReadOnlyList<AgentMessage>> PeekAsync(string id, int max, CancellationToken cancellationToken)
    {
        var result = await Db.ScriptEvaluateAsync(AgentScripts.Peek, Keys.Route, [Keys.Prefix, id, Now, max]).ConfigureAwait(false);
        return Decode(id, result);
    }

    /// <summary>One sweeper pass: returns ('t' or 'p', id) for agents timed out or purged.</summary>
    public async Task<IReadOnlyList<(char Kind, string Id)>> SweepAsync(int batch, CancellationToken cancellationToken)
    {
        var result = await Db.ScriptEvaluateAsync(AgentScripts.Sweep, Keys.Route, [Keys.Prefix, Now, Retention, batch]).ConfigureAwait(false);
        var changes = new List<(char, string)>(result.Length);
        for (var i = 0; i < result.Length; i++)
        {
            var item = (string)result[i]!;
            changes.Add((item[0], item[2..]));
        }
        foreach (var (_, id) in changes)
        {
            await PublishAsync("agent:" + id, cancellationToken).ConfigureAwait(false);
        }
        return changes;
    }

    public async Task<AgentStats> StatsAsync(CancellationToken cancellationToken)
    {
        var db = Db;
        var counters = db.HashGetAsync(Keys.Stats, [(RedisValue)"sent", "delivered", "expired", "rejected_full", "compressed", "bytes_saved"]);
        var active = db.SortedSetLengthAsync(Keys.Due);
        var known = db.SortedSetLengthAsync(Keys.Agents);
        var hits = db.HashGetAllAsync(Keys.RuleHits);
        var c = await counters.ConfigureAwait(false);
        var ruleHits = (await hits.ConfigureAwait(false)).ToDictionary(h => (string)h.Name!, h => (long)h.Value, StringComparer.Ordinal);
        return new AgentStats((long)c[0], (long)c[1], (long)c[2], (long)c[3], await active.ConfigureAwait(false), await known.ConfigureAwait(false), ruleHits, (long)c[4], (long)c[5]);
    }

    private Task PublishAsync(string message, CancellationToken cancellationToken) =>
        Db.PublishAsync(RedisChannel.Literal(Keys.Events), message);

    private static IReadOnlyList<AgentMessage> Decode(string id, RedisResult result)
    {
        if (result.IsNull)
        {
            throw AgentCoordinationException.UnknownAgent(id);
        }
        var messages = new List<AgentMessage>(result.Length);
        for (var i = 0; i < result.Length; i++)
        {
            var entry = (string)result[i]!;
            var bar1 = entry.IndexOf('|', StringComparison.Ordinal);
            var bar2 = entry.IndexOf('|', bar1 + 1);
            var expires = long.Parse(entry.AsSpan(0, bar1), CultureInfo.InvariantCulture);
            var stored = JsonSerializer.Deserialize(entry.AsSpan(bar2 + 1), AgentJsonContext.Default.StoredMessage)!;
            var payload = stored.Z is { } z ? PayloadCompression.Decompress(z, stored.ZLength) : stored.Payload ?? PayloadCompression.Null;
            messages.Add(new AgentMessage(entry[(bar1 + 1)..bar2], id, stored.From, stored.Type, payload, stored.Route, stored.Capability,
                DateTimeOffset.FromUnixTimeMilliseconds(stored.SentAt), DateTimeOffset.FromUnixTimeMilliseconds(expires)));
        }
        return messages;
    }

    private AgentInfo ToAgent(string?[] f, long queueLength, long now)
    {
        var heartbeat = int.Parse(f[4]!, CultureInfo.InvariantCulture);
        var seen = long.Parse(f[6]!, CultureInfo.InvariantCulture);
        var timeoutAt = seen + Window(heartbeat);
        // Timed out on read too: the sweeper may not have run yet.
        var status = f[7] == "active" && timeoutAt >= now ? "active" : "timed_out";
        return new AgentInfo(
            f[0]!,
            f[1]!,
            JsonSerializer.Deserialize(f[2]!, AgentJsonContext.Default.StringArray) ?? [],
            JsonSerializer.Deserialize(f[3]!, AgentJsonContext.Default.DictionaryStringString) ?? [],
            heartbeat,
            status,
            DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(f[5]!, CultureInfo.InvariantCulture)),
            DateTimeOffset.FromUnixTimeMilliseconds(seen),
            DateTimeOffset.FromUnixTimeMilliseconds(timeoutAt),
            queueLength);
    }
}
