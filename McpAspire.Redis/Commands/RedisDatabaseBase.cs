using System.Collections.Concurrent;
using System.Globalization;
using System.Numerics;
using McpAspire.Redis.Protocol;

namespace McpAspire.Redis.Commands;

/// <summary>
/// Every typed command, encoded once here; subclasses decide where commands go (the shared connection, or a
/// transaction's queue). Arguments are passed as stack-allocated spans, so a GET allocates only its reply box and task.
/// </summary>
internal abstract class RedisDatabaseBase : IDatabaseAsync
{
    private static readonly ConcurrentDictionary<string, RedisCommand> AdHocCommands = new(StringComparer.OrdinalIgnoreCase);
    private static readonly RedisValue Px = "PX";
    private static readonly RedisValue Nx = "NX";
    private static readonly RedisValue Xx = "XX";

    protected abstract Task<T> Execute<T>(RedisCommand command, ReadOnlySpan<RedisValue> args, ResultProcessor<T> processor, CancellationToken cancellationToken);

    /// <summary>Raw commands (subclasses route blocking ones elsewhere).</summary>
    protected virtual Task<RedisResult> ExecuteRaw(RedisCommand command, RedisValue[] args, CancellationToken cancellationToken) =>
        Execute(command, args, ResultProcessors.Result, cancellationToken);

    public async Task<TimeSpan> PingAsync(CommandFlags flags = CommandFlags.None, CancellationToken cancellationToken = default)
    {
        var start = System.Diagnostics.Stopwatch.GetTimestamp();
        await Execute(RedisCommand.Ping, [], ResultProcessors.Result, cancellationToken).ConfigureAwait(false);
        return System.Diagnostics.Stopwatch.GetElapsedTime(start);
    }

    public Task<RedisResult> ExecuteAsync(string command, params object[] args) => ExecuteAsync(command, (ICollection<object>)args);

    public Task<RedisResult> ExecuteAsync(string command, ICollection<object>? args, CommandFlags flags = CommandFlags.None, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(command);
        var cmd = AdHocCommands.GetOrAdd(command.Trim(), static n => new RedisCommand(n));
        CheckRawCommandAllowed(cmd);
        var values = new RedisValue[args?.Count ?? 0];
        var i = 0;
        if (args is not null)
        {
            foreach (var arg in args)
            {
                values[i++] = ToValue(arg);
            }
        }
        return ExecuteRaw(cmd, values, cancellationToken);
    }

    public Task<RedisValue> StringGetAsync(RedisKey key, CommandFlags flags = CommandFlags.None, CancellationToken cancellationToken = default) =>
        Execute(RedisCommand.Get, [key.AsRedisValue()], ResultProcessors.Value, cancellationToken);

    public Task<RedisValue[]> StringGetAsync(RedisKey[] keys, CommandFlags flags = CommandFlags.None, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        return keys.Length == 0 ? Task.FromResult<RedisValue[]>([]) : Execute(RedisCommand.MGet, Keys(keys), ResultProcessors.ValueArray, cancellationToken);
    }

    public Task<bool> StringSetAsync(RedisKey key, RedisValue value, TimeSpan? expiry = null, When when = When.Always, CommandFlags flags = CommandFlags.None, CancellationToken cancellationToken = default)
    {
        var k = key.AsRedisValue();
        return (expiry, when) switch
        {
            (null, When.Always) => Execute(RedisCommand.Set, [k, value], ResultProcessors.Boolean, cancellationToken),
            (null, _) => Execute(RedisCommand.Set, [k, value, WhenArg(when)], ResultProcessors.Boolean, cancellationToken),
            ({ } e, When.Always) => Execute(RedisCommand.Set, [k, value, Px, Milliseconds(e)], ResultProcessors.Boolean, cancellationToken),
            ({ } e, _) => Execute(RedisCommand.Set, [k, value, Px, Milliseconds(e), WhenArg(when)], ResultProcessors.Boolean, cancellationToken),
        };
    }

    public Task<long> StringIncrementAsync(RedisKey key, long value = 1, CommandFlags flags = CommandFlags.None, CancellationToken cancellationToken = default) =>
        Execute(RedisCommand.IncrBy, [key.AsRedisValue(), value], ResultProcessors.Int64, cancellationToken);

    public Task<RedisValue> StringGetSetExpiryAsync(RedisKey key, TimeSpan? expiry, CommandFlags flags = CommandFlags.None, CancellationToken cancellationToken = default) =>
        expiry is { } e
            ? Execute(RedisCommand.GetEx, [key.AsRedisValue(), Px, Milliseconds(e)], ResultProcessors.Value, cancellationToken)
            : Execute(RedisCommand.GetEx, [key.AsRedisValue(), "PERSIST"], ResultProcessors.Value, cancellationToken);

    public Task<bool> KeyDeleteAsync(RedisKey key, CommandFlags flags = CommandFlags.None, CancellationToken cancellationToken = default) =>
        Execute(RedisCommand.Del, [key.AsRedisValue()], ResultProcessors.Boolean, cancellationToken);

    public Task<long> KeyDeleteAsync(RedisKey[] keys, CommandFlags flags = CommandFlags.None, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        return keys.Length == 0 ? Task.FromResult(0L) : Execute(RedisCommand.Del, Keys(keys), ResultProcessors.Int64, cancellationToken);
    }

    public Task<bool> KeyExistsAsync(RedisKey key, CommandFlags flags = CommandFlags.None, CancellationToken cancellationToken = default) =>
        Execute(RedisCommand.Exists, [key.AsRedisValue()], ResultProcessors.Boolean, cancellationToken);

    public Task<long> KeyExistsAsync(RedisKey[] keys, CommandFlags flags = CommandFlags.None, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        return keys.Length == 0 ? Task.FromResult(0L) : Execute(RedisCommand.Exists, Keys(keys), ResultProcessors.Int64, cancellationToken);
    }

    public Task<bool> KeyExpireAsync(RedisKey key, TimeSpan? expiry, CommandFlags flags = CommandFlags.None, CancellationToken cancellationToken = default) =>
        expiry is { } e
            ? Execute(RedisCommand.PExpire, [key.AsRedisValue(), Milliseconds(e)], ResultProcessors.Boolean, cancellationToken)
            : KeyPersistAsync(key, flags, cancellationToken);

    public Task<TimeSpan?> KeyTimeToLiveAsync(RedisKey key, CommandFlags flags = CommandFlags.None, CancellationToken cancellationToken = default) =>
        Execute(RedisCommand.PTtl, [key.AsRedisValue()], ResultProcessors.MillisecondsTtl, cancellationToken);

    public Task<bool> KeyPersistAsync(RedisKey key, CommandFlags flags = CommandFlags.None, CancellationToken cancellationToken = default) =>
        Execute(RedisCommand.Persist, [key.AsRedisValue()], ResultProcessors.Boolean, cancellationToken);

    public Task HashSetAsync(RedisKey key, HashEntry[] hashFields, CommandFlags flags = CommandFlags.None, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(hashFields);
        if (hashFields.Length == 0)
        {
            return Task.CompletedTask;
        }
        var args = new RedisValue[1 + (hashFields.Length * 2)];
        args[0] = key.AsRedisValue();
        for (var i = 0; i < hashFields.Length; i++)
        {
            args[1 + (2 * i)] = hashFields[i].Name;
            args[2 + (2 * i)] = hashFields[i].Value;
        }
        return Execute(RedisCommand.HSet, args, ResultProcessors.Int64, cancellationToken);
    }

    public Task<bool> HashSetAsync(RedisKey key, RedisValue hashField, RedisValue value, When when = When.Always, CommandFlags flags = CommandFlags.None, CancellationToken cancellationToken = default) => when switch
    {
        When.Always => Execute(RedisCommand.HSet, [key.AsRedisValue(), hashField, value], ResultProcessors.Boolean, cancellationToken),
        When.NotExists => Execute(RedisCommand.HSetNx, [key.AsRedisValue(), hashField, value], ResultProcessors.Boolean, cancellationToken),
        _ => throw new ArgumentOutOfRangeException(nameof(when), when, "HashSetAsync supports When.Always and When.NotExists."),
    };

    public Task<RedisValue> HashGetAsync(RedisKey key, RedisValue hashField, CommandFlags flags = CommandFlags.None, CancellationToken cancellationToken = default) =>
        Execute(RedisCommand.HGet, [key.AsRedisValue(), hashField], ResultProcessors.Value, cancellationToken);

    public Task<RedisValue[]> HashGetAsync(RedisKey key, RedisValue[] hashFields, CommandFlags flags = CommandFlags.None, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(hashFields);
        return hashFields.Length == 0 ? Task.FromResult<RedisValue[]>([]) : Execute(RedisCommand.HMGet, KeyAnd(key, hashFields), ResultProcessors.ValueArray, cancellationToken);
    }

    public Task<HashEntry[]> HashGetAllAsync(RedisKey key, CommandFlags flags = CommandFlags.None, CancellationToken cancellationToken = default) =>
        Execute(RedisCommand.HGetAll, [key.AsRedisValue()], ResultProcessors.HashEntries, cancellationToken);

    public Task<bool> HashDeleteAsync(RedisKey key, RedisValue hashField, CommandFlags flags = CommandFlags.None, CancellationToken cancellationToken = default) =>
        Execute(RedisCommand.HDel, [key.AsRedisValue(), hashField], ResultProcessors.Boolean, cancellationToken);

    public Task<long> HashDeleteAsync(RedisKey key, RedisValue[] hashFields, CommandFlags flags = CommandFlags.None, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(hashFields);
        return hashFields.Length == 0 ? Task.FromResult(0L) : Execute(RedisCommand.HDel, KeyAnd(key, hashFields), ResultProcessors.Int64, cancellationToken);
    }

    public Task<long> HashIncrementAsync(RedisKey key, RedisValue hashField, long value = 1, CommandFlags flags = CommandFlags.None, CancellationToken cancellationToken = default) =>
        Execute(RedisCommand.HIncrBy, [key.AsRedisValue(), hashField, value], ResultProcessors.Int64, cancellationToken);

    public Task<long> HashLengthAsync(RedisKey key, CommandFlags flags = CommandFlags.None, CancellationToken cancellationToken = default) =>
        Execute(RedisCommand.HLen, [key.AsRedisValue()], ResultProcessors.Int64, cancellationToken);

    public Task<bool> HashExistsAsync(RedisKey key, RedisValue hashField, CommandFlags flags = CommandFlags.None, CancellationToken cancellationToken = default) =>
        Execute(RedisCommand.HExists, [key.AsRedisValue(), hashField], ResultProcessors.Boolean, cancellationToken);

    public Task<bool> SetAddAsync(RedisKey key, RedisValue value, CommandFlags flags = CommandFlags.None, CancellationToken cancellationToken = default) =>
        Execute(RedisCommand.SAdd, [key.AsRedisValue(), value], ResultProcessors.Boolean, cancellationToken);

    public Task<long> SetAddAsync(RedisKey key, RedisValue[] values, CommandFlags flags = CommandFlags.None, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        return values.Length == 0 ? Task.FromResult(0L) : Execute(RedisCommand.SAdd, KeyAnd(key, values), ResultProcessors.Int64, cancellationToken);
    }

    public Task<bool> SetRemoveAsync(RedisKey key, RedisValue value, CommandFlags flags = CommandFlags.None, CancellationToken cancellationToken = default) =>
        Execute(RedisCommand.SRem, [key.AsRedisValue(), value], ResultProcessors.Boolean, cancellationToken);

    public Task<long> SetRemoveAsync(RedisKey key, RedisValue[] values, CommandFlags flags = CommandFlags.None, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        return values.Length == 0 ? Task.FromResult(0L) : Execute(RedisCommand.SRem, KeyAnd(key, values), ResultProcessors.Int64, cancellationToken);
    }

    public Task<RedisValue[]> SetMembersAsync(RedisKey key, CommandFlags flags = CommandFlags.None, CancellationToken cancellationToken = default) =>
        Execute(RedisCommand.SMembers, [key.AsRedisValue()], ResultProcessors.ValueArray, cancellationToken);

    public Task<bool> SetContainsAsync(RedisKey key, RedisValue value, CommandFlags flags = CommandFlags.None, CancellationToken cancellationToken = default) =>
        Execute(RedisCommand.SIsMember, [key.AsRedisValue(), value], ResultProcessors.Boolean, cancellationToken);

    public Task<long> SetLengthAsync(RedisKey key, CommandFlags flags = CommandFlags.None, CancellationToken cancellationToken = default) =>
        Execute(RedisCommand.SCard, [key.AsRedisValue()], ResultProcessors.Int64, cancellationToken);

    public Task<bool> SortedSetAddAsync(RedisKey key, RedisValue member, double score, When when = When.Always, CommandFlags flags = CommandFlags.None, CancellationToken cancellationToken = default) =>
        when == When.Always
            ? Execute(RedisCommand.ZAdd, [key.AsRedisValue(), score, member], ResultProcessors.Boolean, cancellationToken)
            : Execute(RedisCommand.ZAdd, [key.AsRedisValue(), WhenArg(when), score, member], ResultProcessors.Boolean, cancellationToken);

    public Task<long> SortedSetAddAsync(RedisKey key, SortedSetEntry[] values, When when = When.Always, CommandFlags flags = CommandFlags.None, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Length == 0)
        {
            return Task.FromResult(0L);
        }
        var offset = when == When.Always ? 1 : 2;
        var args = new RedisValue[offset + (values.Length * 2)];
        args[0] = key.AsRedisValue();
        if (offset == 2)
        {
            args[1] = WhenArg(when);
        }
        for (var i = 0; i < values.Length; i++)
        {
            args[offset + (2 * i)] = values[i].Score;
            args[offset + 1 + (2 * i)] = values[i].Element;
        }
        return Execute(RedisCommand.ZAdd, args, ResultProcessors.Int64, cancellationToken);
    }

    public Task<bool> SortedSetRemoveAsync(RedisKey key, RedisValue member, CommandFlags flags = CommandFlags.None, CancellationToken cancellationToken = default) =>
        Execute(RedisCommand.ZRem, [key.AsRedisValue(), member], ResultProcessors.Boolean, cancellationToken);

    public Task<long> SortedSetRemoveAsync(RedisKey key, RedisValue[] members, CommandFlags flags = CommandFlags.None, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(members);
        return members.Length == 0 ? Task.FromResult(0L) : Execute(RedisCommand.ZRem, KeyAnd(key, members), ResultProcessors.Int64, cancellationToken);
    }

    public Task<RedisValue[]> SortedSetRangeByScoreAsync(RedisKey key, double start = double.NegativeInfinity, double stop = double.PositiveInfinity, Exclude exclude = Exclude.None, Order order = Order.Ascending, long skip = 0, long take = -1, CommandFlags flags = CommandFlags.None, CancellationToken cancellationToken = default) =>
        Execute(order == Order.Ascending ? RedisCommand.ZRangeByScore : RedisCommand.ZRevRangeByScore, RangeArgs(key, start, stop, exclude, order, skip, take, withScores: false), ResultProcessors.ValueArray, cancellationToken);

    public Task<SortedSetEntry[]> SortedSetRangeByScoreWithScoresAsync(RedisKey key, double start = double.NegativeInfinity, double stop = double.PositiveInfinity, Exclude exclude = Exclude.None, Order order = Order.Ascending, long skip = 0, long take = -1, CommandFlags flags = CommandFlags.None, CancellationToken cancellationToken = default) =>
        Execute(order == Order.Ascending ? RedisCommand.ZRangeByScore : RedisCommand.ZRevRangeByScore, RangeArgs(key, start, stop, exclude, order, skip, take, withScores: true), ResultProcessors.SortedSetEntries, cancellationToken);

    public Task<long> SortedSetRemoveRangeByScoreAsync(RedisKey key, double start, double stop, Exclude exclude = Exclude.None, CommandFlags flags = CommandFlags.None, CancellationToken cancellationToken = default) =>
        Execute(RedisCommand.ZRemRangeByScore, [key.AsRedisValue(), Bound(start, (exclude & Exclude.Start) != 0), Bound(stop, (exclude & Exclude.Stop) != 0)], ResultProcessors.Int64, cancellationToken);

    public Task<long> SortedSetLengthAsync(RedisKey key, double min = double.NegativeInfinity, double max = double.PositiveInfinity, Exclude exclude = Exclude.None, CommandFlags flags = CommandFlags.None, CancellationToken cancellationToken = default) =>
        double.IsNegativeInfinity(min) && double.IsPositiveInfinity(max)
            ? Execute(RedisCommand.ZCard, [key.AsRedisValue()], ResultProcessors.Int64, cancellationToken)
            : Execute(ZCount, [key.AsRedisValue(), Bound(min, (exclude & Exclude.Start) != 0), Bound(max, (exclude & Exclude.Stop) != 0)], ResultProcessors.Int64, cancellationToken);

    private static readonly RedisCommand ZCount = new("ZCOUNT");

    public Task<double?> SortedSetScoreAsync(RedisKey key, RedisValue member, CommandFlags flags = CommandFlags.None, CancellationToken cancellationToken = default) =>
        Execute(RedisCommand.ZScore, [key.AsRedisValue(), member], ResultProcessors.NullableDouble, cancellationToken);

    public Task<double> SortedSetIncrementAsync(RedisKey key, RedisValue member, double value, CommandFlags flags = CommandFlags.None, CancellationToken cancellationToken = default) =>
        Execute(RedisCommand.ZIncrBy, [key.AsRedisValue(), value, member], ResultProcessors.Double, cancellationToken);

    public Task<long> ListLeftPushAsync(RedisKey key, RedisValue value, When when = When.Always, CommandFlags flags = CommandFlags.None, CancellationToken cancellationToken = default) =>
        Execute(PushCommand(left: true, when), [key.AsRedisValue(), value], ResultProcessors.Int64, cancellationToken);

    public Task<long> ListLeftPushAsync(RedisKey key, RedisValue[] values, When when = When.Always, CommandFlags flags = CommandFlags.None, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        return values.Length == 0 ? Execute(RedisCommand.LLen, [key.AsRedisValue()], ResultProcessors.Int64, cancellationToken) : Execute(PushCommand(left: true, when), KeyAnd(key, values), ResultProcessors.Int64, cancellationToken);
    }

    public Task<long> ListRightPushAsync(RedisKey key, RedisValue value, When when = When.Always, CommandFlags flags = CommandFlags.None, CancellationToken cancellationToken = default) =>
        Execute(PushCommand(left: false, when), [key.AsRedisValue(), value], ResultProcessors.Int64, cancellationToken);

    public Task<long> ListRightPushAsync(RedisKey key, RedisValue[] values, When when = When.Always, CommandFlags flags = CommandFlags.None, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        return values.Length == 0 ? Execute(RedisCommand.LLen, [key.AsRedisValue()], ResultProcessors.Int64, cancellationToken) : Execute(PushCommand(left: false, when), KeyAnd(key, values), ResultProcessors.Int64, cancellationToken);
    }

    public Task<RedisValue> ListLeftPopAsync(RedisKey key, CommandFlags flags = CommandFlags.None, CancellationToken cancellationToken = default) =>
        Execute(RedisCommand.LPop, [key.AsRedisValue()], ResultProcessors.Value, cancellationToken);

    public Task<RedisValue[]> ListLeftPopAsync(RedisKey key, long count, CommandFlags flags = CommandFlags.None, CancellationToken cancellationToken = default) =>
        Execute(RedisCommand.LPop, [key.AsRedisValue(), count], ResultProcessors.ValueArray, cancellationToken);

    public Task<RedisValue> ListRightPopAsync(RedisKey key, CommandFlags flags = CommandFlags.None, CancellationToken cancellationToken = default) =>
        Execute(RedisCommand.RPop, [key.AsRedisValue()], ResultProcessors.Value, cancellationToken);

    public Task<RedisValue[]> ListRightPopAsync(RedisKey key, long count, CommandFlags flags = CommandFlags.None, CancellationToken cancellationToken = default) =>
        Execute(RedisCommand.RPop, [key.AsRedisValue(), count], ResultProcessors.ValueArray, cancellationToken);

    public Task<RedisValue[]> ListRangeAsync(RedisKey key, long start = 0, long stop = -1, CommandFlags flags = CommandFlags.None, CancellationToken cancellationToken = default) =>
        Execute(RedisCommand.LRange, [key.AsRedisValue(), start, stop], ResultProcessors.ValueArray, cancellationToken);

    public Task ListTrimAsync(RedisKey key, long start, long stop, CommandFlags flags = CommandFlags.None, CancellationToken cancellationToken = default) =>
        Execute(RedisCommand.LTrim, [key.AsRedisValue(), start, stop], ResultProcessors.Boolean, cancellationToken);

    public Task<long> ListLengthAsync(RedisKey key, CommandFlags flags = CommandFlags.None, CancellationToken cancellationToken = default) =>
        Execute(RedisCommand.LLen, [key.AsRedisValue()], ResultProcessors.Int64, cancellationToken);

    public virtual Task<RedisResult> ScriptEvaluateAsync(string script, RedisKey[]? keys = null, RedisValue[]? values = null, CommandFlags flags = CommandFlags.None, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(script);
        return Execute(RedisCommand.Eval, ScriptArgs(script, keys, values), ResultProcessors.Result, cancellationToken);
    }

    public Task<long> PublishAsync(RedisChannel channel, RedisValue message, CommandFlags flags = CommandFlags.None, CancellationToken cancellationToken = default)
    {
        if (channel.IsNull)
        {
            throw new ArgumentException("The channel has no name.", nameof(channel));
        }
        return Execute(RedisCommand.Publish, [channel.Name, message], ResultProcessors.Int64, cancellationToken);
    }

    /// <summary><c>script-or-sha, numkeys, keys…, values…</c>.</summary>
    protected static RedisValue[] ScriptArgs(RedisValue scriptOrSha, RedisKey[]? keys, RedisValue[]? values)
    {
        var keyCount = keys?.Length ?? 0;
        var args = new RedisValue[2 + keyCount + (values?.Length ?? 0)];
        args[0] = scriptOrSha;
        args[1] = keyCount;
        for (var i = 0; i < keyCount; i++)
        {
            args[2 + i] = keys![i].AsRedisValue();
        }
        values?.CopyTo(args, 2 + keyCount);
        return args;
    }

    internal static void CheckRawCommandAllowed(RedisCommand command)
    {
        switch (command.Name)
        {
            case "SUBSCRIBE" or "PSUBSCRIBE" or "SSUBSCRIBE" or "UNSUBSCRIBE" or "PUNSUBSCRIBE" or "SUNSUBSCRIBE" or "MONITOR":
                throw new NotSupportedException($"{command.Name} is not allowed through ExecuteAsync on a multiplexed connection: use GetSubscriber().");
            case "MULTI" or "EXEC" or "DISCARD" or "WATCH" or "UNWATCH":
                throw new NotSupportedException($"{command.Name} is not allowed through ExecuteAsync on a multiplexed connection: use CreateTransaction().");
            case "SELECT":
                throw new NotSupportedException("SELECT is not allowed through ExecuteAsync on a multiplexed connection: use GetDatabase(n).");
            case "QUIT" or "RESET" or "HELLO" or "AUTH" or "CLIENT REPLY":
                throw new NotSupportedException($"{command.Name} would change the shared connection's state and is not allowed through ExecuteAsync.");
        }
    }

    internal static RedisValue ToValue(object? arg) => arg switch
    {
        null => RedisValue.Null,
        RedisValue v => v,
        RedisKey k => k.AsRedisValue(),
        string s => s,
        byte[] b => b,
        ReadOnlyMemory<byte> m => m,
        int i => i,
        long l => l,
        uint u => u,
        short s => (int)s,
        double d => d,
        float f => (double)f,
        decimal m => m.ToString(CultureInfo.InvariantCulture),
        bool b => b,
        RedisChannel c => c.Name,
        BigInteger big => big.ToString(CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => arg.ToString(),
    };

    private static RedisValue[] Keys(RedisKey[] keys)
    {
        var args = new RedisValue[keys.Length];
        for (var i = 0; i < keys.Length; i++)
        {
            args[i] = keys[i].AsRedisValue();
        }
        return args;
    }

    private static RedisValue[] KeyAnd(RedisKey key, RedisValue[] rest)
    {
        var args = new RedisValue[rest.Length + 1];
        args[0] = key.AsRedisValue();
        rest.CopyTo(args, 1);
        return args;
    }

    private static RedisValue[] RangeArgs(RedisKey key, double start, double stop, Exclude exclude, Order order, long skip, long take, bool withScores)
    {
        var min = Bound(start, (exclude & Exclude.Start) != 0);
        var max = Bound(stop, (exclude & Exclude.Stop) != 0);
        var args = new List<RedisValue>(8) { key.AsRedisValue() };
        if (order == Order.Ascending)
        {
            args.Add(min);
            args.Add(max);
        }
        else
        {
            args.Add(max);
            args.Add(min);
        }
        if (withScores)
        {
            args.Add("WITHSCORES");
        }
        if (skip != 0 || take != -1)
        {
            args.Add("LIMIT");
            args.Add(skip);
            args.Add(take);
        }
        return [.. args];
    }

    private static RedisValue Bound(double value, bool exclusive) =>
        exclusive ? "(" + RedisValue.FormatDouble(value) : value;

    private static RedisCommand PushCommand(bool left, When when) => (left, when) switch
    {
        (true, When.Always) => RedisCommand.LPush,
        (false, When.Always) => RedisCommand.RPush,
        (true, When.Exists) => LPushX,
        (false, When.Exists) => RPushX,
        _ => throw new ArgumentOutOfRangeException(nameof(when), when, "List pushes support When.Always and When.Exists."),
    };

    private static readonly RedisCommand LPushX = new("LPUSHX");
    private static readonly RedisCommand RPushX = new("RPUSHX");

    private static RedisValue WhenArg(When when) => when switch
    {
        When.Exists => Xx,
        When.NotExists => Nx,
        _ => throw new ArgumentOutOfRangeException(nameof(when), when, null),
    };

    private static long Milliseconds(TimeSpan expiry)
    {
        var ms = (long)Math.Ceiling(expiry.TotalMilliseconds);
        return ms > 0 ? ms : throw new ArgumentOutOfRangeException(nameof(expiry), expiry, "An expiry must be positive.");
    }
}
