namespace McpAspire.Redis;

/// <summary>
/// The async command API, a subset of StackExchange.Redis's <c>IDatabaseAsync</c> with the same names and parameter order,
/// plus an optional trailing <see cref="CancellationToken"/>. <see cref="CommandFlags"/> are accepted and ignored.
/// Every command also times out after <c>asyncTimeout</c> with <see cref="RedisTimeoutException"/>.
/// </summary>
public interface IDatabaseAsync
{
    /// <summary>Round trip time of a PING.</summary>
    Task<TimeSpan> PingAsync(CommandFlags flags = CommandFlags.None, CancellationToken cancellationToken = default);

    /// <summary>Any command, with arguments of type string, byte[], numbers, bool, <see cref="RedisKey"/> or <see cref="RedisValue"/>.</summary>
    Task<RedisResult> ExecuteAsync(string command, params object[] args);

    /// <summary>Any command.</summary>
    Task<RedisResult> ExecuteAsync(string command, ICollection<object>? args, CommandFlags flags = CommandFlags.None, CancellationToken cancellationToken = default);

    /// <summary>GET.</summary>
    Task<RedisValue> StringGetAsync(RedisKey key, CommandFlags flags = CommandFlags.None, CancellationToken cancellationToken = default);

    /// <summary>MGET.</summary>
    Task<RedisValue[]> StringGetAsync(RedisKey[] keys, CommandFlags flags = CommandFlags.None, CancellationToken cancellationToken = default);

    /// <summary>SET with optional PX expiry and NX/XX; false when the condition prevented the write.</summary>
    Task<bool> StringSetAsync(RedisKey key, RedisValue value, TimeSpan? expiry = null, When when = When.Always, CommandFlags flags = CommandFlags.None, CancellationToken cancellationToken = default);

    /// <summary>INCRBY.</summary>
    Task<long> StringIncrementAsync(RedisKey key, long value = 1, CommandFlags flags = CommandFlags.None, CancellationToken cancellationToken = default);

    /// <summary>GETEX: the value, setting its expiry (PX) or removing it (PERSIST) when <paramref name="expiry"/> is null.</summary>
    Task<RedisValue> StringGetSetExpiryAsync(RedisKey key, TimeSpan? expiry, CommandFlags flags = CommandFlags.None, CancellationToken cancellationToken = default);

    /// <summary>DEL of one key.</summary>
    Task<bool> KeyDeleteAsync(RedisKey key, CommandFlags flags = CommandFlags.None, CancellationToken cancellationToken = default);

    /// <summary>DEL of many keys; the number deleted.</summary>
    Task<long> KeyDeleteAsync(RedisKey[] keys, CommandFlags flags = CommandFlags.None, CancellationToken cancellationToken = default);

    /// <summary>EXISTS.</summary>
    Task<bool> KeyExistsAsync(RedisKey key, CommandFlags flags = CommandFlags.None, CancellationToken cancellationToken = default);

    /// <summary>EXISTS of many keys; how many exist.</summary>
    Task<long> KeyExistsAsync(RedisKey[] keys, CommandFlags flags = CommandFlags.None, CancellationToken cancellationToken = default);

    /// <summary>PEXPIRE, or PERSIST when <paramref name="expiry"/> is null.</summary>
    Task<bool> KeyExpireAsync(RedisKey key, TimeSpan? expiry, CommandFlags flags = CommandFlags.None, CancellationToken cancellationToken = default);

    /// <summary>PTTL; null when the key is missing or has no expiry.</summary>
    Task<TimeSpan?> KeyTimeToLiveAsync(RedisKey key, CommandFlags flags = CommandFlags.None, CancellationToken cancellationToken = default);

    /// <summary>PERSIST.</summary>
    Task<bool> KeyPersistAsync(RedisKey key, CommandFlags flags = CommandFlags.None, CancellationToken cancellationToken = default);

    /// <summary>HSET of many fields.</summary>
    Task HashSetAsync(RedisKey key, HashEntry[] hashFields, CommandFlags flags = CommandFlags.None, CancellationToken cancellationToken = default);

    /// <summary>HSET (or HSETNX with <see cref="When.NotExists"/>); true when the field is new (or was set, for HSETNX).</summary>
    Task<bool> HashSetAsync(RedisKey key, RedisValue hashField, RedisValue value, When when = When.Always, CommandFlags flags = CommandFlags.None, CancellationToken cancellationToken = default);

    /// <summary>HGET.</summary>
    Task<RedisValue> HashGetAsync(RedisKey key, RedisValue hashField, CommandFlags flags = CommandFlags.None, CancellationToken cancellationToken = default);

    /// <summary>HMGET.</summary>
    Task<RedisValue[]> HashGetAsync(RedisKey key, RedisValue[] hashFields, CommandFlags flags = CommandFlags.None, CancellationToken cancellationToken = default);

    /// <summary>HGETALL.</summary>
    Task<HashEntry[]> HashGetAllAsync(RedisKey key, CommandFlags flags = CommandFlags.None, CancellationToken cancellationToken = default);

    /// <summary>HDEL of one field.</summary>
    Task<bool> HashDeleteAsync(RedisKey key, RedisValue hashField, CommandFlags flags = CommandFlags.None, CancellationToken cancellationToken = default);

    /// <summary>HDEL of many fields.</summary>
    Task<long> HashDeleteAsync(RedisKey key, RedisValue[] hashFields, CommandFlags flags = CommandFlags.None, CancellationToken cancellationToken = default);

    /// <summary>HINCRBY.</summary>
    Task<long> HashIncrementAsync(RedisKey key, RedisValue hashField, long value = 1, CommandFlags flags = CommandFlags.None, CancellationToken cancellationToken = default);

    /// <summary>HLEN.</summary>
    Task<long> HashLengthAsync(RedisKey key, CommandFlags flags = CommandFlags.None, CancellationToken cancellationToken = default);

    /// <summary>HEXISTS.</summary>
    Task<bool> HashExistsAsync(RedisKey key, RedisValue hashField, CommandFlags flags = CommandFlags.None, CancellationToken cancellationToken = default);

    /// <summary>SADD of one member.</summary>
    Task<bool> SetAddAsync(RedisKey key, RedisValue value, CommandFlags flags = CommandFlags.None, CancellationToken cancellationToken = default);

    /// <summary>SADD of many members.</summary>
    Task<long> SetAddAsync(RedisKey key, RedisValue[] values, CommandFlags flags = CommandFlags.None, CancellationToken cancellationToken = default);

    /// <summary>SREM of one member.</summary>
    Task<bool> SetRemoveAsync(RedisKey key, RedisValue value, CommandFlags flags = CommandFlags.None, CancellationToken cancellationToken = default);

    /// <summary>SREM of many members.</summary>
    Task<long> SetRemoveAsync(RedisKey key, RedisValue[] values, CommandFlags flags = CommandFlags.None, CancellationToken cancellationToken = default);

    /// <summary>SMEMBERS.</summary>
    Task<RedisValue[]> SetMembersAsync(RedisKey key, CommandFlags flags = CommandFlags.None, CancellationToken cancellationToken = default);

    /// <summary>SISMEMBER.</summary>
    Task<bool> SetContainsAsync(RedisKey key, RedisValue value, CommandFlags flags = CommandFlags.None, CancellationToken cancellationToken = default);

    /// <summary>SCARD.</summary>
    Task<long> SetLengthAsync(RedisKey key, CommandFlags flags = CommandFlags.None, CancellationToken cancellationToken = default);

    /// <summary>ZADD of one member (NX/XX from <paramref name="when"/>); true when added.</summary>
    Task<bool> SortedSetAddAsync(RedisKey key, RedisValue member, double score, When when = When.Always, CommandFlags flags = CommandFlags.None, CancellationToken cancellationToken = default);

    /// <summary>ZADD of many members; the number added.</summary>
    Task<long> SortedSetAddAsync(RedisKey key, SortedSetEntry[] values, When when = When.Always, CommandFlags flags = CommandFlags.None, CancellationToken cancellationToken = default);

    /// <summary>ZREM of one member.</summary>
    Task<bool> SortedSetRemoveAsync(RedisKey key, RedisValue member, CommandFlags flags = CommandFlags.None, CancellationToken cancellationToken = default);

    /// <summary>ZREM of many members.</summary>
    Task<long> SortedSetRemoveAsync(RedisKey key, RedisValue[] members, CommandFlags flags = CommandFlags.None, CancellationToken cancellationToken = default);

    /// <summary>ZRANGEBYSCORE / ZREVRANGEBYSCORE with LIMIT.</summary>
    Task<RedisValue[]> SortedSetRangeByScoreAsync(RedisKey key, double start = double.NegativeInfinity, double stop = double.PositiveInfinity, Exclude exclude = Exclude.None, Order order = Order.Ascending, long skip = 0, long take = -1, CommandFlags flags = CommandFlags.None, CancellationToken cancellationToken = default);

    /// <summary>ZRANGEBYSCORE … WITHSCORES.</summary>
    Task<SortedSetEntry[]> SortedSetRangeByScoreWithScoresAsync(RedisKey key, double start = double.NegativeInfinity, double stop = double.PositiveInfinity, Exclude exclude = Exclude.None, Order order = Order.Ascending, long skip = 0, long take = -1, CommandFlags flags = CommandFlags.None, CancellationToken cancellationToken = default);

    /// <summary>ZREMRANGEBYSCORE.</summary>
    Task<long> SortedSetRemoveRangeByScoreAsync(RedisKey key, double start, double stop, Exclude exclude = Exclude.None, CommandFlags flags = CommandFlags.None, CancellationToken cancellationToken = default);

    /// <summary>ZCARD, or ZCOUNT when a score range is given.</summary>
    Task<long> SortedSetLengthAsync(RedisKey key, double min = double.NegativeInfinity, double max = double.PositiveInfinity, Exclude exclude = Exclude.None, CommandFlags flags = CommandFlags.None, CancellationToken cancellationToken = default);

    /// <summary>ZSCORE; null when the member is missing.</summary>
    Task<double?> SortedSetScoreAsync(RedisKey key, RedisValue member, CommandFlags flags = CommandFlags.None, CancellationToken cancellationToken = default);

    /// <summary>ZINCRBY.</summary>
    Task<double> SortedSetIncrementAsync(RedisKey key, RedisValue member, double value, CommandFlags flags = CommandFlags.None, CancellationToken cancellationToken = default);

    /// <summary>LPUSH (LPUSHX with <see cref="When.Exists"/>); the new length.</summary>
    Task<long> ListLeftPushAsync(RedisKey key, RedisValue value, When when = When.Always, CommandFlags flags = CommandFlags.None, CancellationToken cancellationToken = default);

    /// <summary>LPUSH of many values.</summary>
    Task<long> ListLeftPushAsync(RedisKey key, RedisValue[] values, When when = When.Always, CommandFlags flags = CommandFlags.None, CancellationToken cancellationToken = default);

    /// <summary>RPUSH (RPUSHX with <see cref="When.Exists"/>); the new length.</summary>
    Task<long> ListRightPushAsync(RedisKey key, RedisValue value, When when = When.Always, CommandFlags flags = CommandFlags.None, CancellationToken cancellationToken = default);

    /// <summary>RPUSH of many values.</summary>
    Task<long> ListRightPushAsync(RedisKey key, RedisValue[] values, When when = When.Always, CommandFlags flags = CommandFlags.None, CancellationToken cancellationToken = default);

    /// <summary>LPOP.</summary>
    Task<RedisValue> ListLeftPopAsync(RedisKey key, CommandFlags flags = CommandFlags.None, CancellationToken cancellationToken = default);

    /// <summary>LPOP with a count.</summary>
    Task<RedisValue[]> ListLeftPopAsync(RedisKey key, long count, CommandFlags flags = CommandFlags.None, CancellationToken cancellationToken = default);

    /// <summary>RPOP.</summary>
    Task<RedisValue> ListRightPopAsync(RedisKey key, CommandFlags flags = CommandFlags.None, CancellationToken cancellationToken = default);

    /// <summary>RPOP with a count.</summary>
    Task<RedisValue[]> ListRightPopAsync(RedisKey key, long count, CommandFlags flags = CommandFlags.None, CancellationToken cancellationToken = default);

    /// <summary>LRANGE.</summary>
    Task<RedisValue[]> ListRangeAsync(RedisKey key, long start = 0, long stop = -1, CommandFlags flags = CommandFlags.None, CancellationToken cancellationToken = default);

    /// <summary>LTRIM.</summary>
    Task ListTrimAsync(RedisKey key, long start, long stop, CommandFlags flags = CommandFlags.None, CancellationToken cancellationToken = default);

    /// <summary>LLEN.</summary>
    Task<long> ListLengthAsync(RedisKey key, CommandFlags flags = CommandFlags.None, CancellationToken cancellationToken = default);

    /// <summary>
    /// Runs a Lua script: EVALSHA with the script's cached SHA1, falling back to EVAL (which loads it) on NOSCRIPT.
    /// Inside a transaction it is sent as EVAL.
    /// </summary>
    Task<RedisResult> ScriptEvaluateAsync(string script, RedisKey[]? keys = null, RedisValue[]? values = null, CommandFlags flags = CommandFlags.None, CancellationToken cancellationToken = default);

    /// <summary>PUBLISH; the number of subscribers that received the message.</summary>
    Task<long> PublishAsync(RedisChannel channel, RedisValue message, CommandFlags flags = CommandFlags.None, CancellationToken cancellationToken = default);
}
