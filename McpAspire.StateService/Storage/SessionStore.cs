using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using StackExchange.Redis;
using McpAspire.StateService.Client;
using McpAspire.StateService.Options;
using McpAspire.StateService.Telemetry;
using Microsoft.Extensions.Options;

namespace McpAspire.StateService.Storage;

/// <summary>Sessions: create, get (sliding), touch, delete, list and count per principal, attribute merge, expiry sweep.</summary>
public sealed class SessionStore
{
    private readonly IConnectionMultiplexer _redis;
    private readonly StateKeys _keys;
    private readonly StateOptions _options;
    private readonly TimeProvider _time;
    private readonly StateMetrics _metrics;

    /// <summary>Creates the store.</summary>
    public SessionStore(IConnectionMultiplexer redis, StateKeys keys, IOptions<StateOptions> options, TimeProvider time, StateMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(options);
        _redis = redis;
        _keys = keys;
        _options = options.Value;
        _time = time;
        _metrics = metrics;
    }

    private IDatabase Db => _redis.GetDatabase();

    internal long NowMs => _time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>A new session id: 32 random bytes, base64url (43 visible ASCII characters).</summary>
    public static string NewSessionId()
    {
        Span<byte> bytes = stackalloc byte[32];
        RandomNumberGenerator.Fill(bytes);
        return Base64Url.EncodeToString(bytes);
    }

    /// <summary>The standard key triple of a session-scoped script.</summary>
    internal RedisKey[] SessionKeys(string sid) => [_keys.Session(sid), _keys.Clients(sid), _keys.Events(sid)];

    /// <summary>The standard argument head of a session-scoped script.</summary>
    internal List<RedisValue> SessionArgs(string principal, string sid, int extra) =>
        new(3 + extra) { principal, NowMs, _keys.ClientPrefix(sid) };

    /// <summary>
    /// Creates a session owned by <paramref name="principal"/>, with the caller's id when the request names one; null
    /// when that id is already taken (by any principal).
    /// </summary>
    public async Task<SessionRecord?> CreateAsync(string principal, CreateSessionRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var ttl = request.IdleTtlSeconds is { } s ? TimeSpan.FromSeconds(s) : _options.SessionIdleTtl;
        var now = NowMs;
        var absolute = request.AbsoluteLifetimeSeconds is { } life ? now + (life * 1000) : 0;
        // A caller-chosen id gets one attempt (null when taken); generated ids retry on the astronomically unlikely collision.
        var attempts = request.Id is null ? 3 : 1;
        for (var attempt = 0; attempt < attempts; attempt++)
        {
            var sid = request.Id ?? NewSessionId();
            var args = new List<RedisValue>(6 + ((request.Attributes?.Count ?? 0) * 2))
            {
                principal, now, (long)ttl.TotalMilliseconds, absolute, sid,
            };
            foreach (var (k, v) in request.Attributes ?? new Dictionary<string, string>())
            {
                args.Add(k);
                args.Add(v);
            }
            var created = (long)await Db.ScriptEvaluateAsync(StateScripts.CreateSession, [_keys.Session(sid)], [.. args]).ConfigureAwait(false);
            if (created == 1)
            {
                // The indexes live in other slots (Redis Cluster): written after the session, pipelined. Should this
                // fail, the session still expires by its TTL; it is only missing from listings.
                var db = Db;
                await Task.WhenAll(
                    db.SortedSetAddAsync(_keys.SessionIndex, sid, now),
                    db.HashSetAsync(_keys.SessionOwners, sid, principal),
                    db.SortedSetAddAsync(_keys.PrincipalIndex(principal), sid, now)).ConfigureAwait(false);
                return new SessionRecord(sid, principal, RedisReplies.Time(now), RedisReplies.Time(now), (long)ttl.TotalSeconds,
                    absolute > 0 ? RedisReplies.Time(absolute) : null, request.Attributes ?? new Dictionary<string, string>());
            }
        }
        if (request.Id is not null)
        {
            return null;
        }
        // 256 random bits colliding three times means the generator is broken; say so instead of looping.
        throw new InvalidOperationException("Could not allocate a unique session id.");
    }

    /// <summary>Reads a session and slides its idle TTL; null when missing, expired or another principal's.</summary>
    public async Task<SessionRecord?> GetAsync(string principal, string sid, CancellationToken cancellationToken)
    {
        _metrics.Got();
        var result = await Db.ScriptEvaluateAsync(StateScripts.GetSession, SessionKeys(sid),
            [.. SessionArgs(principal, sid, 0)]).ConfigureAwait(false);
        return result.IsNull ? null : ToRecord(sid, RedisReplies.ToHash(result));
    }

    /// <summary>Slides the idle TTL in one round trip; false when not found.</summary>
    public async Task<bool> TouchAsync(string principal, string sid, CancellationToken cancellationToken)
    {
        var result = await Db.ScriptEvaluateAsync(StateScripts.TouchSession, SessionKeys(sid),
            [.. SessionArgs(principal, sid, 0)]).ConfigureAwait(false);
        return !result.IsNull;
    }

    /// <summary>Merges attributes (null value removes); returns the updated session or null when not found.</summary>
    public async Task<SessionRecord?> MergeAttributesAsync(string principal, string sid, IReadOnlyDictionary<string, string?> changes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(changes);
        var args = SessionArgs(principal, sid, changes.Count * 2);
        foreach (var (k, v) in changes)
        {
            args.Add(k);
            args.Add(v is null ? "-" : "=" + v);
        }
        var result = await Db.ScriptEvaluateAsync(StateScripts.MergeAttributes, SessionKeys(sid), [.. args]).ConfigureAwait(false);
        return result.IsNull ? null : ToRecord(sid, RedisReplies.ToHash(result));
    }

    /// <summary>Deletes a session and everything under it; false when not found.</summary>
    public async Task<bool> DeleteAsync(string principal, string sid, CancellationToken cancellationToken)
    {
        var deleted = (long)await Db.ScriptEvaluateAsync(StateScripts.DeleteSession, SessionKeys(sid),
            [principal, NowMs, _keys.ClientPrefix(sid)]).ConfigureAwait(false);
        if (deleted != 1)
        {
            return false;
        }
        var db = Db;
        await Task.WhenAll(
            db.SortedSetRemoveAsync(_keys.SessionIndex, sid),
            db.HashDeleteAsync(_keys.SessionOwners, sid),
            db.SortedSetRemoveAsync(_keys.PrincipalIndex(principal), sid)).ConfigureAwait(false);
        return true;
    }

    /// <summary>
    /// One page of the principal's sessions, oldest first; the cursor is an opaque offset. Two round trips: the page of
    /// the principal's index, then every session of it at once (pipelined, each in its own slot).
    /// </summary>
    public async Task<SessionPage> ListAsync(string principal, string? cursor, int limit, CancellationToken cancellationToken)
    {
        _metrics.Listed();
        var offset = ParseCursor(cursor);
        var db = Db;
        var ids = await db.SortedSetRangeByRankAsync(_keys.PrincipalIndex(principal), offset, offset + limit - 1).ConfigureAwait(false);
        var hashes = await Task.WhenAll(ids.Select(id => db.HashGetAllAsync(_keys.Session((string)id!)))).ConfigureAwait(false);
        var now = NowMs;
        var items = new List<SessionRecord>(ids.Length);
        for (var i = 0; i < ids.Length; i++)
        {
            var hash = RedisReplies.ToHash(hashes[i]);
            var x = RedisReplies.Long(hash, "x");
            // Skip sessions gone but not swept yet, past their lifetime, or (a stale index entry) someone else's.
            if (hash.Count > 0 && (x == 0 || x > now) && hash.GetValueOrDefault("p") == principal)
            {
                items.Add(ToRecord((string)ids[i]!, hash));
            }
        }
        var next = ids.Length == limit ? (offset + ids.Length).ToString(CultureInfo.InvariantCulture) : null;
        return new SessionPage(items, next);
    }

    /// <summary>Live sessions of the principal.</summary>
    public async Task<long> CountAsync(string principal, CancellationToken cancellationToken)
    {
        var db = Db;
        var ids = await db.SortedSetRangeByRankAsync(_keys.PrincipalIndex(principal)).ConfigureAwait(false);
        var alive = await Task.WhenAll(ids.Select(id => db.KeyExistsAsync(_keys.Session((string)id!)))).ConfigureAwait(false);
        return alive.Count(a => a);
    }

    /// <summary>Live sessions of every principal (index size; exact after a sweep).</summary>
    public async Task<long> CountAllAsync(CancellationToken cancellationToken) =>
        await Db.SortedSetLengthAsync(_keys.SessionIndex).ConfigureAwait(false);

    /// <summary>
    /// Walks the session index in batches, deletes sessions past their absolute lifetime and drops index entries of
    /// sessions that are gone; returns their ids (each announced by exactly one replica).
    /// </summary>
    public async Task<List<string>> SweepAsync(int batchSize, CancellationToken cancellationToken)
    {
        var removed = new List<string>();
        var db = Db;
        long offset = 0;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var ids = await db.SortedSetRangeByRankAsync(_keys.SessionIndex, offset, offset + batchSize - 1).ConfigureAwait(false);
            var now = NowMs;
            var gone = await Task.WhenAll(ids.Select(id => db.ScriptEvaluateAsync(StateScripts.ExpireSession, SessionKeys((string)id!),
                [now, _keys.ClientPrefix((string)id!)]))).ConfigureAwait(false);
            var dead = ids.Where((_, i) => (long)gone[i] == 1).ToArray();
            if (dead.Length > 0)
            {
                var unindexed = (RedisResult[])(await db.ScriptEvaluateAsync(StateScripts.UnindexSessions, [_keys.SessionIndex, _keys.SessionOwners], dead).ConfigureAwait(false))!;
                var principals = new List<Task>();
                for (var i = 0; i + 1 < unindexed.Length; i += 2)
                {
                    var sid = (string)unindexed[i]!;
                    removed.Add(sid);
                    if ((string?)unindexed[i + 1] is { Length: > 0 } owner)
                    {
                        principals.Add(db.SortedSetRemoveAsync(_keys.PrincipalIndex(owner), sid));
                    }
                }
                await Task.WhenAll(principals).ConfigureAwait(false);
            }
            if (ids.Length < batchSize)
            {
                return removed;
            }
            // Removed entries shift the ranks after them down.
            offset += ids.Length - dead.Length;
        }
    }

    private static long ParseCursor(string? cursor) =>
        string.IsNullOrEmpty(cursor) ? 0
        : long.TryParse(cursor, NumberStyles.None, CultureInfo.InvariantCulture, out var offset) ? offset
        : throw new ArgumentException("The cursor is not one this service returned.", nameof(cursor));

    internal static SessionRecord ToRecord(string sid, Dictionary<string, string> h)
    {
        var x = RedisReplies.Long(h, "x");
        return new SessionRecord(
            sid,
            h.GetValueOrDefault("p", ""),
            RedisReplies.Time(RedisReplies.Long(h, "c")),
            RedisReplies.Time(RedisReplies.Long(h, "a")),
            RedisReplies.Long(h, "t") / 1000,
            x > 0 ? RedisReplies.Time(x) : null,
            RedisReplies.Prefixed(h, "@"));
    }
}
