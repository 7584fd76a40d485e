using System.Globalization;
using System.Text.Json;
using StackExchange.Redis;
using McpAspire.StateService.Client;
using McpAspire.StateService.Options;
using McpAspire.StateService.Telemetry;
using Microsoft.Extensions.Options;

namespace McpAspire.StateService.Storage;

/// <summary>
/// Per-session event log for 2025-era resumability and cross-replica fan-out: a Redis list of
/// <c>id|timestamp|stream|json</c> with consecutive ids, capped by length and age on every append.
/// </summary>
public sealed class EventLog
{
    private readonly IConnectionMultiplexer _redis;
    private readonly SessionStore _sessions;
    private readonly StateOptions _options;
    private readonly StateMetrics _metrics;

    /// <summary>Creates the log.</summary>
    public EventLog(IConnectionMultiplexer redis, SessionStore sessions, IOptions<StateOptions> options, StateMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(options);
        _redis = redis;
        _sessions = sessions;
        _options = options.Value;
        _metrics = metrics;
    }

    /// <summary>Appends; returns the event (with its id) or null when the session is not found.</summary>
    public async Task<SessionEvent?> AppendAsync(string principal, string sid, string stream, JsonElement data, CancellationToken cancellationToken)
    {
        var json = data.GetRawText();
        var args = _sessions.SessionArgs(principal, sid, 4);
        var now = (long)args[1];
        args.Add(stream);
        args.Add(json);
        args.Add(_options.EventLogMaxLength);
        args.Add(now - (long)_options.EventLogMaxAge.TotalMilliseconds);
        var result = await _redis.GetDatabase().ScriptEvaluateAsync(StateScripts.AppendEvent, _sessions.SessionKeys(sid), [.. args]).ConfigureAwait(false);
        if (result.IsNull)
        {
            return null;
        }
        _metrics.EventAppended();
        return new SessionEvent((long)result, stream, DateTimeOffset.FromUnixTimeMilliseconds(now), data);
    }

    /// <summary>
    /// Events after <paramref name="afterId"/> (optionally of one stream); null when the session is not found.
    /// <c>Truncated</c> is true when events after the id were already trimmed.
    /// </summary>
    public async Task<(List<SessionEvent> Events, bool Truncated)?> ReadAsync(string principal, string sid, long afterId, string? stream, int limit, CancellationToken cancellationToken)
    {
        var args = _sessions.SessionArgs(principal, sid, 3);
        args.Add(afterId);
        args.Add(limit);
        args.Add(stream ?? "");
        var result = await _redis.GetDatabase().ScriptEvaluateAsync(StateScripts.ReadEvents, _sessions.SessionKeys(sid), [.. args]).ConfigureAwait(false);
        if (result.IsNull)
        {
            return null;
        }
        var items = (RedisResult[])result!;
        var firstId = long.Parse((string)items[0]!, CultureInfo.InvariantCulture);
        var events = new List<SessionEvent>(items.Length - 1);
        for (var i = 1; i < items.Length; i++)
        {
            events.Add(Parse((string)items[i]!));
        }
        return (events, firstId > 0 && afterId + 1 < firstId);
    }

    private static SessionEvent Parse(string entry)
    {
        var s = entry.AsSpan();
        var p1 = s.IndexOf('|');
        var id = long.Parse(s[..p1], CultureInfo.InvariantCulture);
        s = s[(p1 + 1)..];
        var p2 = s.IndexOf('|');
        var ts = long.Parse(s[..p2], CultureInfo.InvariantCulture);
        s = s[(p2 + 1)..];
        var p3 = s.IndexOf('|');
        var stream = s[..p3].ToString();
        using var doc = JsonDocument.Parse(entry.AsMemory(entry.Length - s.Length + p3 + 1));
        return new SessionEvent(id, stream, DateTimeOffset.FromUnixTimeMilliseconds(ts), doc.RootElement.Clone());
    }
}
