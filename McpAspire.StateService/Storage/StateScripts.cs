namespace McpAspire.StateService.Storage;

/// <summary>
/// Lua scripts: every multi-key update is one atomic script and one round trip. Written for Redis 7 and Garnet (Lua 5.1
/// semantics, <c>unpack</c> resolved for 5.4). Session-scoped scripts share <see cref="Guard"/>: the session must exist,
/// belong to the caller's principal and be inside its absolute lifetime; <c>slide</c> then resets the idle TTL of every
/// key of the session. Keys of one session share the hash tag <c>{sid}</c>; client keys are built from a declared prefix.
/// Common layout: KEYS = session, clients, events; ARGV[1] principal, ARGV[2] now (ms), ARGV[3] client key prefix.
/// </summary>
internal static class StateScripts
{
    private const string Guard = """
        local unpack = unpack or table.unpack
        local function guard()
          local f = redis.call('HMGET', KEYS[1], 'p', 't', 'x')
          if f[1] ~= ARGV[1] then return false end
          local ttl = tonumber(f[2])
          local x = tonumber(f[3]) or 0
          if x > 0 then
            local left = x - tonumber(ARGV[2])
            if left <= 0 then return false end
            if left < ttl then ttl = left end
          end
          return ttl
        end
        local function slide(ttl)
          redis.call('HSET', KEYS[1], 'a', ARGV[2])
          redis.call('PEXPIRE', KEYS[1], ttl)
          redis.call('PEXPIRE', KEYS[2], ttl)
          redis.call('PEXPIRE', KEYS[3], ttl)
          local names = redis.call('SMEMBERS', KEYS[2])
          for i = 1, #names do redis.call('PEXPIRE', ARGV[3] .. names[i], ttl) end
        end

        """;

    /// <summary>KEYS session. ARGV principal, now, ttl, absolute expiry (0 none), sid, then attribute pairs. 1 created, 0 taken.</summary>
    public const string CreateSession = """
        local unpack = unpack or table.unpack
        if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
        local now = tonumber(ARGV[2])
        local ttl = tonumber(ARGV[3])
        local x = tonumber(ARGV[4])
        local args = {'HSET', KEYS[1], 'p', ARGV[1], 'c', ARGV[2], 'a', ARGV[2], 't', ARGV[3], 'x', ARGV[4], 's', '0'}
        for i = 6, #ARGV, 2 do
          args[#args + 1] = '@' .. ARGV[i]
          args[#args + 1] = ARGV[i + 1]
        end
        redis.call(unpack(args))
        if x > 0 and x - now < ttl then ttl = x - now end
        redis.call('PEXPIRE', KEYS[1], ttl)
        return 1
        """;

    /// <summary>Get with sliding TTL: returns the session hash (flat) or nil.</summary>
    public const string GetSession = Guard + """
        local ttl = guard()
        if not ttl then return false end
        slide(ttl)
        return redis.call('HGETALL', KEYS[1])
        """;

    /// <summary>Touch: 1, or nil when not found.</summary>
    public const string TouchSession = Guard + """
        local ttl = guard()
        if not ttl then return false end
        slide(ttl)
        return 1
        """;

    /// <summary>Attribute merge. ARGV[4..]: name, then '=value' to set or '-' to remove. Returns the session hash or nil.</summary>
    public const string MergeAttributes = Guard + """
        local ttl = guard()
        if not ttl then return false end
        for i = 4, #ARGV, 2 do
          local v = ARGV[i + 1]
          if string.sub(v, 1, 1) == '=' then
            redis.call('HSET', KEYS[1], '@' .. ARGV[i], string.sub(v, 2))
          else
            redis.call('HDEL', KEYS[1], '@' .. ARGV[i])
          end
        end
        slide(ttl)
        return redis.call('HGETALL', KEYS[1])
        """;

    /// <summary>KEYS session, clients, events. ARGV principal, now, client prefix. 1 deleted, 0 not found (or another principal's).</summary>
    public const string DeleteSession = """
        if redis.call('HGET', KEYS[1], 'p') ~= ARGV[1] then return 0 end
        local names = redis.call('SMEMBERS', KEYS[2])
        for i = 1, #names do redis.call('DEL', ARGV[3] .. names[i]) end
        redis.call('DEL', KEYS[1], KEYS[2], KEYS[3])
        return 1
        """;

    /// <summary>
    /// KEYS session, clients, events. ARGV now, client prefix. Deletes the session when past its absolute lifetime.
    /// Returns 1 when the session is gone (deleted now or already expired), 0 when it lives.
    /// </summary>
    public const string ExpireSession = """
        if redis.call('EXISTS', KEYS[1]) == 0 then return 1 end
        local x = tonumber(redis.call('HGET', KEYS[1], 'x') or '0') or 0
        if x == 0 or x > tonumber(ARGV[1]) then return 0 end
        local names = redis.call('SMEMBERS', KEYS[2])
        for i = 1, #names do redis.call('DEL', ARGV[2] .. names[i]) end
        redis.call('DEL', KEYS[1], KEYS[2], KEYS[3])
        return 1
        """;

    /// <summary>
    /// KEYS index, owners. ARGV sids. Drops index entries of gone sessions; returns {sid, owner, …} only for entries
    /// this call removed, so several replicas sweeping at once never announce one expiry twice.
    /// </summary>
    public const string UnindexSessions = """
        local out = {}
        for i = 1, #ARGV do
          local sid = ARGV[i]
          if redis.call('ZREM', KEYS[1], sid) == 1 then
            out[#out + 1] = sid
            out[#out + 1] = redis.call('HGET', KEYS[2], sid) or ''
          end
          redis.call('HDEL', KEYS[2], sid)
        end
        return out
        """;

    /// <summary>KEYS session, clients. ARGV client prefix, cutoff (ms). Removes clients idle since before the cutoff (no guard, no slide).</summary>
    public const string CleanupIdleClients = """
        local names = redis.call('SMEMBERS', KEYS[2])
        local removed = {}
        for i = 1, #names do
          local ck = ARGV[1] .. names[i]
          local l = tonumber(redis.call('HGET', ck, 'l') or '0') or 0
          if l < tonumber(ARGV[2]) then
            redis.call('DEL', ck)
            redis.call('SREM', KEYS[2], names[i])
            removed[#removed + 1] = names[i]
          end
        end
        return removed
        """;

    /// <summary>
    /// ARGV[4] name, [5] endpoint, [6] status, [7] tool count, [8] downstream session id ('' none), then metadata pairs.
    /// Replaces the client record; returns its hash or nil when the session is not found.
    /// </summary>
    public const string RegisterClient = Guard + """
        local ttl = guard()
        if not ttl then return false end
        local ck = ARGV[3] .. ARGV[4]
        redis.call('DEL', ck)
        local args = {'HSET', ck, 'e', ARGV[5], 'st', ARGV[6], 'tc', ARGV[7], 'r', ARGV[2], 'l', ARGV[2]}
        if ARGV[8] ~= '' then
          args[#args + 1] = 'ds'
          args[#args + 1] = ARGV[8]
        end
        for i = 9, #ARGV, 2 do
          args[#args + 1] = 'm:' .. ARGV[i]
          args[#args + 1] = ARGV[i + 1]
        end
        redis.call(unpack(args))
        redis.call('SADD', KEYS[2], ARGV[4])
        slide(ttl)
        return redis.call('HGETALL', ck)
        """;

    /// <summary>ARGV[4] name. Returns 1 removed, 0 no such client, nil no such session.</summary>
    public const string UnregisterClient = Guard + """
        local ttl = guard()
        if not ttl then return false end
        local n = redis.call('DEL', ARGV[3] .. ARGV[4])
        redis.call('SREM', KEYS[2], ARGV[4])
        slide(ttl)
        return n
        """;

    /// <summary>ARGV[4] name. Returns the client hash (empty when no such client) or nil (no session).</summary>
    public const string GetClient = Guard + """
        local ttl = guard()
        if not ttl then return false end
        slide(ttl)
        return redis.call('HGETALL', ARGV[3] .. ARGV[4])
        """;

    /// <summary>All clients of a session in one round trip: {name, hash, name, hash…} or nil.</summary>
    public const string ListClients = Guard + """
        local ttl = guard()
        if not ttl then return false end
        slide(ttl)
        local names = redis.call('SMEMBERS', KEYS[2])
        local out = {}
        for i = 1, #names do
          local h = redis.call('HGETALL', ARGV[3] .. names[i])
          if #h > 0 then
            out[#out + 1] = names[i]
            out[#out + 1] = h
          else
            redis.call('SREM', KEYS[2], names[i])
          end
        end
        return out
        """;

    /// <summary>
    /// Field update of one client, atomically server-side (no lost update between concurrent writers).
    /// ARGV[4] name, then field, '=value' | '-' pairs. Also stamps last-active. 1 updated, 0 no client, nil no session.
    /// </summary>
    public const string UpdateClient = Guard + """
        local ttl = guard()
        if not ttl then return false end
        local ck = ARGV[3] .. ARGV[4]
        if redis.call('EXISTS', ck) == 0 then return 0 end
        redis.call('HSET', ck, 'l', ARGV[2])
        for i = 5, #ARGV, 2 do
          local v = ARGV[i + 1]
          if string.sub(v, 1, 1) == '=' then
            redis.call('HSET', ck, ARGV[i], string.sub(v, 2))
          else
            redis.call('HDEL', ck, ARGV[i])
          end
        end
        slide(ttl)
        return 1
        """;

    /// <summary>ARGV[4] cutoff (ms). Removes the session's clients idle since before the cutoff; returns their names or nil.</summary>
    public const string CleanupSessionClients = Guard + """
        local ttl = guard()
        if not ttl then return false end
        local cutoff = tonumber(ARGV[4])
        local names = redis.call('SMEMBERS', KEYS[2])
        local removed = {}
        for i = 1, #names do
          local ck = ARGV[3] .. names[i]
          local l = tonumber(redis.call('HGET', ck, 'l') or '0') or 0
          if l < cutoff then
            redis.call('DEL', ck)
            redis.call('SREM', KEYS[2], names[i])
            removed[#removed + 1] = names[i]
          end
        end
        slide(ttl)
        return removed
        """;

    /// <summary>
    /// Event append. ARGV[4] stream, [5] data, [6] max length, [7] oldest timestamp kept (ms). Entries are
    /// 'id|ts|stream|data' with consecutive ids, so a read after an id finds its start by arithmetic. Returns id or nil.
    /// </summary>
    public const string AppendEvent = Guard + """
        local ttl = guard()
        if not ttl then return false end
        local id = redis.call('HINCRBY', KEYS[1], 's', 1)
        redis.call('RPUSH', KEYS[3], id .. '|' .. ARGV[2] .. '|' .. ARGV[4] .. '|' .. ARGV[5])
        local len = redis.call('LLEN', KEYS[3])
        local maxLen = tonumber(ARGV[6])
        if len > maxLen then redis.call('LTRIM', KEYS[3], len - maxLen, -1) end
        local minTs = tonumber(ARGV[7])
        for i = 1, 100 do
          local head = redis.call('LINDEX', KEYS[3], 0)
          if not head then break end
          local p1 = string.find(head, '|', 1, true)
          local p2 = string.find(head, '|', p1 + 1, true)
          if tonumber(string.sub(head, p1 + 1, p2 - 1)) >= minTs then break end
          redis.call('LPOP', KEYS[3])
        end
        slide(ttl)
        return id
        """;

    /// <summary>
    /// Events after an id. ARGV[4] after, [5] limit, [6] stream ('' all). Returns {first id kept, entries…} or nil.
    /// </summary>
    public const string ReadEvents = Guard + """
        local ttl = guard()
        if not ttl then return false end
        slide(ttl)
        local head = redis.call('LINDEX', KEYS[3], 0)
        if not head then return {'0'} end
        local firstId = tonumber(string.sub(head, 1, string.find(head, '|', 1, true) - 1))
        local start = tonumber(ARGV[4]) - firstId + 1
        if start < 0 then start = 0 end
        local limit = tonumber(ARGV[5])
        local out = {tostring(firstId)}
        while #out - 1 < limit do
          local items = redis.call('LRANGE', KEYS[3], start, start + 255)
          if #items == 0 then break end
          for i = 1, #items do
            local e = items[i]
            local keep = ARGV[6] == ''
            if not keep then
              local p1 = string.find(e, '|', 1, true)
              local p2 = string.find(e, '|', p1 + 1, true)
              local p3 = string.find(e, '|', p2 + 1, true)
              keep = string.sub(e, p2 + 1, p3 - 1) == ARGV[6]
            end
            if keep then
              out[#out + 1] = e
              if #out - 1 >= limit then break end
            end
          end
          start = start + #items
        end
        return out
        """;

    /// <summary>KEYS connections set. ARGV server prefix, server, status, tools ('' none), connected at (ms), ttl (ms).</summary>
    public const string PutConnection = """
        local p = ARGV[1] .. ARGV[2] .. ':'
        redis.call('SET', p .. 'status', ARGV[3], 'PX', ARGV[6])
        if ARGV[4] ~= '' then
          redis.call('SET', p .. 'tools', ARGV[4], 'PX', ARGV[6])
        else
          redis.call('DEL', p .. 'tools')
        end
        redis.call('SET', p .. 'connected_at', ARGV[5], 'PX', ARGV[6])
        redis.call('SADD', KEYS[1], ARGV[2])
        redis.call('PEXPIRE', KEYS[1], ARGV[6])
        return 1
        """;

    /// <summary>KEYS connections set. ARGV server prefix, server, status, ttl. 1 updated, 0 unknown server.</summary>
    public const string SetConnectionStatus = """
        local p = ARGV[1] .. ARGV[2] .. ':'
        if redis.call('EXISTS', p .. 'status') == 0 then return 0 end
        redis.call('SET', p .. 'status', ARGV[3], 'PX', ARGV[4])
        redis.call('PEXPIRE', p .. 'tools', ARGV[4])
        redis.call('PEXPIRE', p .. 'connected_at', ARGV[4])
        redis.call('PEXPIRE', KEYS[1], ARGV[4])
        return 1
        """;

    /// <summary>KEYS connections set. ARGV server prefix, server ('' all). Returns {server, status, tools, connected_at…}; prunes expired names.</summary>
    public const string GetConnections = """
        local names
        if ARGV[2] ~= '' then names = {ARGV[2]} else names = redis.call('SMEMBERS', KEYS[1]) end
        local out = {}
        for i = 1, #names do
          local p = ARGV[1] .. names[i] .. ':'
          local v = redis.call('MGET', p .. 'status', p .. 'tools', p .. 'connected_at')
          if v[1] then
            out[#out + 1] = names[i]
            out[#out + 1] = v[1]
            out[#out + 1] = v[2] or ''
            out[#out + 1] = v[3] or ''
          elseif ARGV[2] == '' then
            redis.call('SREM', KEYS[1], names[i])
          end
        end
        return out
        """;

    /// <summary>KEYS connections set. ARGV server prefix, server ('' all). Returns the number of servers removed.</summary>
    public const string DeleteConnections = """
        local names
        if ARGV[2] ~= '' then names = {ARGV[2]} else names = redis.call('SMEMBERS', KEYS[1]) end
        local n = 0
        for i = 1, #names do
          local p = ARGV[1] .. names[i] .. ':'
          n = n + math.min(1, redis.call('DEL', p .. 'status', p .. 'tools', p .. 'connected_at'))
          redis.call('SREM', KEYS[1], names[i])
        end
        return n
        """;
}
