using McpAspire.Redis.Protocol;

namespace McpAspire.Redis;

/// <summary>A precondition of a transaction, checked under WATCH (StackExchange.Redis's factory names).</summary>
public abstract class Condition
{
    private protected Condition(RedisKey key) => Key = key;

    /// <summary>The watched key.</summary>
    public RedisKey Key { get; }

    internal abstract RedisCommand Command { get; }

    internal abstract RedisValue[] Arguments { get; }

    internal abstract bool IsSatisfied(RedisResult reply);

    /// <summary>The key exists.</summary>
    public static Condition KeyExists(RedisKey key) => new Simple(key, RedisCommand.Exists, [key.AsRedisValue()], r => (long)r == 1, $"{key} exists");

    /// <summary>The key does not exist.</summary>
    public static Condition KeyNotExists(RedisKey key) => new Simple(key, RedisCommand.Exists, [key.AsRedisValue()], r => (long)r == 0, $"{key} does not exist");

    /// <summary>The string at the key equals <paramref name="value"/> (null: the key is missing).</summary>
    public static Condition StringEqual(RedisKey key, RedisValue value) => new Simple(key, RedisCommand.Get, [key.AsRedisValue()], r => (RedisValue)r == value, $"{key} == {value}");

    /// <summary>The string at the key differs from <paramref name="value"/>.</summary>
    public static Condition StringNotEqual(RedisKey key, RedisValue value) => new Simple(key, RedisCommand.Get, [key.AsRedisValue()], r => (RedisValue)r != value, $"{key} != {value}");

    /// <summary>The hash field equals <paramref name="value"/> (null: the field is missing).</summary>
    public static Condition HashEqual(RedisKey key, RedisValue hashField, RedisValue value) => new Simple(key, RedisCommand.HGet, [key.AsRedisValue(), hashField], r => (RedisValue)r == value, $"{key}[{hashField}] == {value}");

    /// <summary>The hash field differs from <paramref name="value"/>.</summary>
    public static Condition HashNotEqual(RedisKey key, RedisValue hashField, RedisValue value) => new Simple(key, RedisCommand.HGet, [key.AsRedisValue(), hashField], r => (RedisValue)r != value, $"{key}[{hashField}] != {value}");

    /// <summary>The hash field exists.</summary>
    public static Condition HashExists(RedisKey key, RedisValue hashField) => new Simple(key, RedisCommand.HExists, [key.AsRedisValue(), hashField], r => (long)r == 1, $"{key}[{hashField}] exists");

    /// <summary>The hash field does not exist.</summary>
    public static Condition HashNotExists(RedisKey key, RedisValue hashField) => new Simple(key, RedisCommand.HExists, [key.AsRedisValue(), hashField], r => (long)r == 0, $"{key}[{hashField}] does not exist");

    /// <summary>The set contains the member.</summary>
    public static Condition SetContains(RedisKey key, RedisValue member) => new Simple(key, RedisCommand.SIsMember, [key.AsRedisValue(), member], r => (long)r == 1, $"{key} contains {member}");

    /// <summary>The set does not contain the member.</summary>
    public static Condition SetNotContains(RedisKey key, RedisValue member) => new Simple(key, RedisCommand.SIsMember, [key.AsRedisValue(), member], r => (long)r == 0, $"{key} does not contain {member}");

    /// <summary>The sorted set contains the member.</summary>
    public static Condition SortedSetContains(RedisKey key, RedisValue member) => new Simple(key, RedisCommand.ZScore, [key.AsRedisValue(), member], r => !r.IsNull, $"{key} contains {member}");

    /// <summary>The sorted set does not contain the member.</summary>
    public static Condition SortedSetNotContains(RedisKey key, RedisValue member) => new Simple(key, RedisCommand.ZScore, [key.AsRedisValue(), member], r => r.IsNull, $"{key} does not contain {member}");

    private sealed class Simple(RedisKey key, RedisCommand command, RedisValue[] args, Func<RedisResult, bool> check, string text) : Condition(key)
    {
        internal override RedisCommand Command => command;

        internal override RedisValue[] Arguments => args;

        internal override bool IsSatisfied(RedisResult reply) => check(reply);

        public override string ToString() => text;
    }
}
