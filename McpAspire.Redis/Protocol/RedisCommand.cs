using System.Text;

namespace McpAspire.Redis.Protocol;

/// <summary>A command name, pre-encoded as a RESP bulk string so writing it costs one copy.</summary>
internal sealed class RedisCommand
{
    private static readonly HashSet<string> BlockingNames = new(StringComparer.OrdinalIgnoreCase)
    {
        "BLPOP", "BRPOP", "BRPOPLPUSH", "BLMOVE", "BLMPOP", "BZPOPMIN", "BZPOPMAX", "BZMPOP", "WAIT", "WAITAOF", "XREAD", "XREADGROUP",
        "SUBSCRIBE", "PSUBSCRIBE", "SSUBSCRIBE", "MONITOR",
    };

    public RedisCommand(string name)
    {
        Name = name.ToUpperInvariant();
        var bytes = Encoding.UTF8.GetBytes(Name);
        Encoded = Encoding.ASCII.GetBytes($"${bytes.Length}\r\n").Concat(bytes).Concat("\r\n"u8.ToArray()).ToArray();
        IsBlocking = BlockingNames.Contains(Name);
    }

    /// <summary>Upper-case name, also the telemetry operation name.</summary>
    public string Name { get; }

    /// <summary><c>$len\r\nNAME\r\n</c>.</summary>
    public byte[] Encoded { get; }

    /// <summary>True for commands that may block the connection (sent on a dedicated connection).</summary>
    public bool IsBlocking { get; }

    public static readonly RedisCommand Ping = new("PING");
    public static readonly RedisCommand Hello = new("HELLO");
    public static readonly RedisCommand Auth = new("AUTH");
    public static readonly RedisCommand Select = new("SELECT");
    public static readonly RedisCommand Client = new("CLIENT");
    public static readonly RedisCommand Get = new("GET");
    public static readonly RedisCommand Set = new("SET");
    public static readonly RedisCommand MGet = new("MGET");
    public static readonly RedisCommand IncrBy = new("INCRBY");
    public static readonly RedisCommand GetEx = new("GETEX");
    public static readonly RedisCommand Del = new("DEL");
    public static readonly RedisCommand Exists = new("EXISTS");
    public static readonly RedisCommand PExpire = new("PEXPIRE");
    public static readonly RedisCommand Persist = new("PERSIST");
    public static readonly RedisCommand PTtl = new("PTTL");
    public static readonly RedisCommand HSet = new("HSET");
    public static readonly RedisCommand HSetNx = new("HSETNX");
    public static readonly RedisCommand HGet = new("HGET");
    public static readonly RedisCommand HMGet = new("HMGET");
    public static readonly RedisCommand HGetAll = new("HGETALL");
    public static readonly RedisCommand HDel = new("HDEL");
    public static readonly RedisCommand HIncrBy = new("HINCRBY");
    public static readonly RedisCommand HLen = new("HLEN");
    public static readonly RedisCommand HExists = new("HEXISTS");
    public static readonly RedisCommand SAdd = new("SADD");
    public static readonly RedisCommand SRem = new("SREM");
    public static readonly RedisCommand SMembers = new("SMEMBERS");
    public static readonly RedisCommand SIsMember = new("SISMEMBER");
    public static readonly RedisCommand SCard = new("SCARD");
    public static readonly RedisCommand ZAdd = new("ZADD");
    public static readonly RedisCommand ZRem = new("ZREM");
    public static readonly RedisCommand ZRangeByScore = new("ZRANGEBYSCORE");
    public static readonly RedisCommand ZRevRangeByScore = new("ZREVRANGEBYSCORE");
    public static readonly RedisCommand ZRemRangeByScore = new("ZREMRANGEBYSCORE");
    public static readonly RedisCommand ZCard = new("ZCARD");
    public static readonly RedisCommand ZScore = new("ZSCORE");
    public static readonly RedisCommand ZIncrBy = new("ZINCRBY");
    public static readonly RedisCommand LPush = new("LPUSH");
    public static readonly RedisCommand RPush = new("RPUSH");
    public static readonly RedisCommand LPop = new("LPOP");
    public static readonly RedisCommand RPop = new("RPOP");
    public static readonly RedisCommand LRange = new("LRANGE");
    public static readonly RedisCommand LTrim = new("LTRIM");
    public static readonly RedisCommand LLen = new("LLEN");
    public static readonly RedisCommand Eval = new("EVAL");
    public static readonly RedisCommand EvalSha = new("EVALSHA");
    public static readonly RedisCommand Scan = new("SCAN");
    public static readonly RedisCommand Multi = new("MULTI");
    public static readonly RedisCommand Exec = new("EXEC");
    public static readonly RedisCommand Discard = new("DISCARD");
    public static readonly RedisCommand Watch = new("WATCH");
    public static readonly RedisCommand Unwatch = new("UNWATCH");
    public static readonly RedisCommand Publish = new("PUBLISH");
    public static readonly RedisCommand Subscribe = new("SUBSCRIBE");
    public static readonly RedisCommand PSubscribe = new("PSUBSCRIBE");
    public static readonly RedisCommand Unsubscribe = new("UNSUBSCRIBE");
    public static readonly RedisCommand PUnsubscribe = new("PUNSUBSCRIBE");
    public static readonly RedisCommand Echo = new("ECHO");
    public static readonly RedisCommand StrLen = new("STRLEN");
    public static readonly RedisCommand HStrLen = new("HSTRLEN");
}
