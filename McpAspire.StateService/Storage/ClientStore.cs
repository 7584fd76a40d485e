using StackExchange.Redis;
using McpAspire.StateService.Client;
using McpAspire.StateService.Telemetry;

namespace McpAspire.StateService.Storage;

/// <summary>Outcome of an operation on one client of a session.</summary>
public enum ClientOutcome
{
    /// <summary>Done.</summary>
    Ok,

    /// <summary>The session does not exist (or is another principal's).</summary>
    SessionNotFound,

    /// <summary>The session exists but has no such client.</summary>
    ClientNotFound,
}

/// <summary>
/// MCP client state per session (REQUIREMENTS: RegisterMCPClient, Unregister, Get, List, MarkActive, UpdateToolCount,
/// SetMetadata, CleanupExpiredClients). One hash per client under <c>mcp:{sid}:client:{name}</c>; every call slides the
/// session's TTL. Field updates run server-side in Lua, so concurrent writers never lose each other's update.
/// </summary>
public sealed class ClientStore
{
    private readonly IConnectionMultiplexer _redis;
    private readonly StateKeys _keys;
    private readonly SessionStore _sessions;
    private readonly StateMetrics _metrics;

    /// <summary>Creates the store.</summary>
    public ClientStore(IConnectionMultiplexer redis, StateKeys keys, SessionStore sessions, StateMetrics metrics)
    {
        _redis = redis;
        _keys = keys;
        _sessions = sessions;
        _metrics = metrics;
    }

    private IDatabase Db => _redis.GetDatabase();

    /// <summary>Registers (or replaces) a client; null when the session is not found.</summary>
    public async Task<McpClientRecord?> RegisterAsync(string principal, string sid, string name, RegisterClientRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var args = _sessions.SessionArgs(principal, sid, 5 + ((request.Metadata?.Count ?? 0) * 2));
        args.Add(name);
        args.Add(request.Endpoint);
        args.Add(request.Status ?? "registered");
        args.Add(request.ToolCount ?? 0);
        args.Add(request.DownstreamSessionId ?? "");
        foreach (var (k, v) in request.Metadata ?? new Dictionary<string, string>())
        {
            args.Add(k);
            args.Add(v);
        }
        var result = await Db.ScriptEvaluateAsync(StateScripts.RegisterClient, _sessions.SessionKeys(sid), [.. args]).ConfigureAwait(false);
        if (result.IsNull)
        {
            return null;
        }
        _metrics.Registered();
        return ToRecord(sid, name, RedisReplies.ToHash(result));
    }

    /// <summary>Removes a client.</summary>
    public async Task<ClientOutcome> UnregisterAsync(string principal, string sid, string name, CancellationToken cancellationToken)
    {
        var args = _sessions.SessionArgs(principal, sid, 1);
        args.Add(name);
        var result = await Db.ScriptEvaluateAsync(StateScripts.UnregisterClient, _sessions.SessionKeys(sid), [.. args]).ConfigureAwait(false);
        if (result.IsNull)
        {
            return ClientOutcome.SessionNotFound;
        }
        if ((long)result == 0)
        {
            return ClientOutcome.ClientNotFound;
        }
        _metrics.Unregistered();
        return ClientOutcome.Ok;
    }

    /// <summary>One client.</summary>
    public async Task<(ClientOutcome Outcome, McpClientRecord? Client)> GetAsync(string principal, string sid, string name, CancellationToken cancellationToken)
    {
        _metrics.Got();
        var args = _sessions.SessionArgs(principal, sid, 1);
        args.Add(name);
        var result = await Db.ScriptEvaluateAsync(StateScripts.GetClient, _sessions.SessionKeys(sid), [.. args]).ConfigureAwait(false);
        if (result.IsNull)
        {
            return (ClientOutcome.SessionNotFound, null);
        }
        var hash = RedisReplies.ToHash(result);
        return hash.Count == 0 ? (ClientOutcome.ClientNotFound, null) : (ClientOutcome.Ok, ToRecord(sid, name, hash));
    }

    /// <summary>All clients of a session in one round trip, ordered by name; null when the session is not found.</summary>
    public async Task<List<McpClientRecord>?> ListAsync(string principal, string sid, CancellationToken cancellationToken)
    {
        _metrics.Listed();
        var result = await Db.ScriptEvaluateAsync(StateScripts.ListClients, _sessions.SessionKeys(sid),
            [.. _sessions.SessionArgs(principal, sid, 0)]).ConfigureAwait(false);
        if (result.IsNull)
        {
            return null;
        }
        var flat = (RedisResult[])result!;
        var list = new List<McpClientRecord>(flat.Length / 2);
        for (var i = 0; i + 1 < flat.Length; i += 2)
        {
            list.Add(ToRecord(sid, (string)flat[i]!, RedisReplies.ToHash(flat[i + 1])));
        }
        list.Sort(static (a, b) => string.CompareOrdinal(a.Name, b.Name));
        return list;
    }

    /// <summary>Stamps last-active.</summary>
    public Task<ClientOutcome> MarkActiveAsync(string principal, string sid, string name, CancellationToken cancellationToken) =>
        UpdateAsync(principal, sid, name, [], cancellationToken);

    /// <summary>Sets the tool count.</summary>
    public Task<ClientOutcome> UpdateToolCountAsync(string principal, string sid, string name, long toolCount, CancellationToken cancellationToken) =>
        UpdateAsync(principal, sid, name, [new("tc", toolCount.ToString(System.Globalization.CultureInfo.InvariantCulture))], cancellationToken);

    /// <summary>Sets the status and, when given, the downstream's session id.</summary>
    public Task<ClientOutcome> SetStatusAsync(string principal, string sid, string name, string status, string? downstreamSessionId, CancellationToken cancellationToken)
    {
        List<KeyValuePair<string, string?>> fields = [new("st", status)];
        if (downstreamSessionId is not null)
        {
            fields.Add(new("ds", downstreamSessionId.Length == 0 ? null : downstreamSessionId));
        }
        return UpdateAsync(principal, sid, name, fields, cancellationToken);
    }

    /// <summary>
    /// Applies the same field changes to the client record <paramref name="name"/> of every session in
    /// <paramref name="sessionIds"/>. Each session's keys share a hash slot, so it is one script per session, all sent
    /// at once (pipelined on the connection): one Redis round trip's wait, not one per session.
    /// </summary>
    public async Task<(int Updated, List<string> NotFound)> UpdateManyAsync(string principal, IReadOnlyList<string> sessionIds, string name, string? status, long? toolCount, string? downstreamSessionId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sessionIds);
        List<KeyValuePair<string, string?>> fields = [];
        if (status is not null)
        {
            fields.Add(new("st", status));
        }
        if (toolCount is { } count)
        {
            fields.Add(new("tc", count.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }
        if (downstreamSessionId is not null)
        {
            fields.Add(new("ds", downstreamSessionId.Length == 0 ? null : downstreamSessionId));
        }
        var outcomes = await Task.WhenAll(sessionIds.Select(sid => UpdateAsync(principal, sid, name, fields, cancellationToken))).ConfigureAwait(false);
        var notFound = new List<string>();
        for (var i = 0; i < outcomes.Length; i++)
        {
            if (outcomes[i] != ClientOutcome.Ok)
            {
                notFound.Add(sessionIds[i]);
            }
        }
        return (outcomes.Length - notFound.Count, notFound);
    }

    /// <summary>Merges metadata: each key set, or removed when its value is null.</summary>
    public Task<ClientOutcome> SetMetadataAsync(string principal, string sid, string name, IReadOnlyDictionary<string, string?> changes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(changes);
        return UpdateAsync(principal, sid, name, changes.Select(c => new KeyValuePair<string, string?>("m:" + c.Key, c.Value)).ToList(), cancellationToken);
    }

    /// <summary>Removes the session's clients idle longer than <paramref name="maxAge"/>; null when the session is not found.</summary>
    public async Task<List<string>?> CleanupSessionAsync(string principal, string sid, TimeSpan maxAge, CancellationToken cancellationToken)
    {
        var args = _sessions.SessionArgs(principal, sid, 1);
        args.Add(_sessions.NowMs - (long)maxAge.TotalMilliseconds);
        var result = await Db.ScriptEvaluateAsync(StateScripts.CleanupSessionClients, _sessions.SessionKeys(sid), [.. args]).ConfigureAwait(false);
        if (result.IsNull)
        {
            return null;
        }
        var names = ((RedisResult[])result!).Select(r => (string)r!).ToList();
        _metrics.Unregistered(names.Count);
        return names;
    }

    /// <summary>
    /// CleanupExpiredClients(maxAge) across every session, in batches: a page of the session index, then one script per
    /// session of it (each in its session's slot), pipelined.
    /// </summary>
    public async Task<List<(string SessionId, string Name)>> CleanupAllAsync(TimeSpan maxAge, int batchSize, CancellationToken cancellationToken)
    {
        var removed = new List<(string, string)>();
        var cutoff = _sessions.NowMs - (long)maxAge.TotalMilliseconds;
        var db = Db;
        for (long offset = 0; ; offset += batchSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var ids = await db.SortedSetRangeByRankAsync(_keys.SessionIndex, offset, offset + batchSize - 1).ConfigureAwait(false);
            var results = await Task.WhenAll(ids.Select(id => db.ScriptEvaluateAsync(StateScripts.CleanupIdleClients,
                [_keys.Session((string)id!), _keys.Clients((string)id!)], [_keys.ClientPrefix((string)id!), cutoff]))).ConfigureAwait(false);
            for (var i = 0; i < ids.Length; i++)
            {
                foreach (var name in (RedisResult[])results[i]!)
                {
                    removed.Add(((string)ids[i]!, (string)name!));
                }
            }
            if (ids.Length < batchSize)
            {
                break;
            }
        }
        _metrics.Unregistered(removed.Count);
        return removed;
    }

    private async Task<ClientOutcome> UpdateAsync(string principal, string sid, string name, IReadOnlyList<KeyValuePair<string, string?>> fields, CancellationToken cancellationToken)
    {
        var args = _sessions.SessionArgs(principal, sid, 1 + (fields.Count * 2));
        args.Add(name);
        foreach (var (field, value) in fields)
        {
            args.Add(field);
            args.Add(value is null ? "-" : "=" + value);
        }
        var result = await Db.ScriptEvaluateAsync(StateScripts.UpdateClient, _sessions.SessionKeys(sid), [.. args]).ConfigureAwait(false);
        return result.IsNull ? ClientOutcome.SessionNotFound : (long)result == 1 ? ClientOutcome.Ok : ClientOutcome.ClientNotFound;
    }

    private static McpClientRecord ToRecord(string sid, string name, Dictionary<string, string> h) => new(
        sid,
        name,
        h.GetValueOrDefault("e", ""),
        h.GetValueOrDefault("st", ""),
        RedisReplies.Long(h, "tc"),
        h.GetValueOrDefault("ds"),
        RedisReplies.Prefixed(h, "m:"),
        RedisReplies.Time(RedisReplies.Long(h, "r")),
        RedisReplies.Time(RedisReplies.Long(h, "l")));
}
