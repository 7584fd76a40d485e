namespace McpAspire.ToolHost.Storage;

/// <summary>
/// Lua scripts: each multi-key update is one atomic script and one round trip. Written for Redis 7 and Garnet (Lua 5.1
/// semantics, <c>unpack</c> resolved for 5.4, no cjson: mailbox entries are <c>expiresMs|seq|json</c> strings). Keys are
/// built from the prefix in ARGV[1] (see <see cref="ToolHostKeys"/>), which keeps one script per operation but assumes a
/// single Redis node (no cluster slots), like the state service. Mailbox changes are published from inside the scripts
/// (saves a round trip per send and receive; PUBLISH in scripts works on Redis 7 and Garnet 2.2.8).
/// </summary>
internal static class AgentScripts
{
    private const string Common = """
        local unpack = unpack or table.unpack
        local p = ARGV[1]
        local function expiresOf(e) return tonumber(string.match(e, '^(%d+)|')) end
        local function dropAgent(id)
          local ak = p .. 'agent:' .. id
          local caps = redis.call('HGET', ak, 'capl')
          if caps then
            for c in string.gmatch(caps, '[^\n]+') do redis.call('SREM', p .. 'cap:' .. c, id) end
          end
          redis.call('DEL', ak, p .. 'mbox:' .. id, p .. 'hist:' .. id)
          redis.call('ZREM', p .. 'agents', id)
          redis.call('ZREM', p .. 'agents:due', id)
          redis.call('ZREM', p .. 'agents:purge', id)
        end

        """;

    /// <summary>ARGV prefix, id, name, capsJson, metaJson, hb s, now, deadline, key ttl ms, then capabilities. Returns 1 created, 0 replaced.</summary>
    public const string Register = Common + """
        local id = ARGV[2]
        local ak = p .. 'agent:' .. id
        local old = redis.call('HGET', ak, 'capl')
        if old then
          for c in string.gmatch(old, '[^\n]+') do redis.call('SREM', p .. 'cap:' .. c, id) end
        end
        local caps = {}
        for i = 10, #ARGV do
          caps[#caps + 1] = ARGV[i]
          redis.call('SADD', p .. 'cap:' .. ARGV[i], id)
        end
        local reg = redis.call('HGET', ak, 'reg')
        if not reg then reg = ARGV[7] end
        redis.call('HSET', ak, 'id', id, 'name', ARGV[3], 'caps', ARGV[4], 'meta', ARGV[5], 'hb', ARGV[6], 'reg', reg,
          'seen', ARGV[7], 'st', 'active', 'capl', table.concat(caps, '\n'))
        local ttl = tonumber(ARGV[9])
        redis.call('PEXPIRE', ak, ttl)
        redis.call('PEXPIRE', p .. 'mbox:' .. id, ttl)
        redis.call('PEXPIRE', p .. 'hist:' .. id, ttl)
        redis.call('ZADD', p .. 'agents', reg, id)
        redis.call('ZADD', p .. 'agents:due', ARGV[8], id)
        redis.call('ZREM', p .. 'agents:purge', id)
        if old then return 0 end
        return 1
        """;

    /// <summary>ARGV prefix, id, now, missed heartbeats, extra key ttl ms. Returns {revived 0/1, deadline} or nil for an unknown agent.</summary>
    public const string Heartbeat = Common + """
        local id = ARGV[2]
        local ak = p .. 'agent:' .. id
        local f = redis.call('HMGET', ak, 'hb', 'st', 'seen')
        if not f[1] then return false end
        local now = tonumber(ARGV[3])
        local window = tonumber(f[1]) * tonumber(ARGV[4]) * 1000
        local deadline = now + window
        redis.call('HSET', ak, 'seen', ARGV[3], 'st', 'active')
        redis.call('ZADD', p .. 'agents:due', deadline, id)
        redis.call('ZREM', p .. 'agents:purge', id)
        local ttl = window + tonumber(ARGV[5])
        redis.call('PEXPIRE', ak, ttl)
        redis.call('PEXPIRE', p .. 'mbox:' .. id, ttl)
        redis.call('PEXPIRE', p .. 'hist:' .. id, ttl)
        local revived = 0
        -- Timed out already, whether or not the sweeper has marked it yet.
        if f[2] ~= 'active' or tonumber(f[3]) + window < now then revived = 1 end
        return {revived, deadline}
        """;

    /// <summary>ARGV prefix, id. Returns 1 removed, 0 unknown. The mailbox and history go with the agent.</summary>
    public const string Unregister = Common + """
        if redis.call('EXISTS', p .. 'agent:' .. ARGV[2]) == 0 then
          redis.call('ZREM', p .. 'agents', ARGV[2])
          return 0
        end
        dropAgent(ARGV[2])
        return 1
        """;

    /// <summary>
    /// ARGV prefix, capability ('' for all), max. Returns one array per agent: id, name, caps, meta, hb, reg, seen, st,
    /// queue length. Agents whose hash has expired are dropped from the index on the way.
    /// </summary>
    public const string List = Common + """
        local ids
        if ARGV[2] == '' then
          ids = redis.call('ZRANGE', p .. 'agents', 0, tonumber(ARGV[3]) - 1)
        else
          ids = redis.call('SMEMBERS', p .. 'cap:' .. ARGV[2])
        end
        local out = {}
        for i = 1, #ids do
          if #out >= tonumber(ARGV[3]) then break end
          local f = redis.call('HMGET', p .. 'agent:' .. ids[i], 'id', 'name', 'caps', 'meta', 'hb', 'reg', 'seen', 'st')
          if f[1] then
            f[9] = redis.call('LLEN', p .. 'mbox:' .. ids[i])
            out[#out + 1] = f
          else
            redis.call('ZREM', p .. 'agents', ids[i])
            if ARGV[2] ~= '' then redis.call('SREM', p .. 'cap:' .. ARGV[2], ids[i]) end
          end
        end
        return out
        """;

    /// <summary>
    /// ARGV prefix, mode ('to', 'any', 'all'), target, now, expiresMs, queue limit, history limit, extra key ttl ms,
    /// missed heartbeats, from ('' for none), body json. Returns {'ok', seq1, id1, …} followed by '|' and the ids of full
    /// mailboxes a broadcast skipped, or {'err', reason} with reason unknown_agent, unknown_sender, no_agent, queue_full.
    /// </summary>
    public const string Send = Common + """
        local mode = ARGV[2]
        local target = ARGV[3]
        local now = tonumber(ARGV[4])
        local limit = tonumber(ARGV[6])
        local hist = tonumber(ARGV[7])
        local extra = tonumber(ARGV[8])
        local factor = tonumber(ARGV[9])
        if ARGV[10] ~= '' and redis.call('EXISTS', p .. 'agent:' .. ARGV[10]) == 0 then return {'err', 'unknown_sender'} end
        local function agent(id)
          local f = redis.call('HMGET', p .. 'agent:' .. id, 'hb', 'seen', 'st')
          if not f[1] then return nil end
          local window = tonumber(f[1]) * factor * 1000
          return { active = (f[3] == 'active' and tonumber(f[2]) + window >= now), window = window }
        end
        local function queueLength(id)
          local mk = p .. 'mbox:' .. id
          local len = redis.call('LLEN', mk)
          if len >= limit then
            -- Full: drop what has expired before refusing (bounded by the limit, and only when full).
            local items = redis.call('LRANGE', mk, 0, -1)
            local n = 0
            for i = 1, #items do
              local x = expiresOf(items[i])
              if x and x <= now then redis.call('LREM', mk, 1, items[i]); n = n + 1 end
            end
            if n > 0 then redis.call('HINCRBY', p .. 'stats', 'expired', n) end
            len = redis.call('LLEN', mk)
          end
          return len
        end
        local chosen = {}
        local full = {}
        if mode == 'to' then
          local a = agent(target)
          if not a then return {'err', 'unknown_agent'} end
          if queueLength(target) >= limit then
            redis.call('HINCRBY', p .. 'stats', 'rejected_full', 1)
            return {'err', 'queue_full'}
          end
          chosen[1] = { id = target, window = a.window }
        else
          local members = redis.call('SMEMBERS', p .. 'cap:' .. target)
          table.sort(members)
          local active = {}
          for i = 1, #members do
            local a = agent(members[i])
            if a and a.active then
              local len = queueLength(members[i])
              if len < limit then
                active[#active + 1] = { id = members[i], window = a.window, len = len }
              else
                full[#full + 1] = members[i]
              end
            end
          end
          if #active == 0 then
            if #full > 0 then
              redis.call('HINCRBY', p .. 'stats', 'rejected_full', 1)
              return {'err', 'queue_full'}
            end
            return {'err', 'no_agent'}
          end
          if mode == 'any' then
            -- Least queue first; ties rotate through a per-capability counter (round robin).
            local rk = p .. 'rr:' .. target
            local rr = redis.call('INCR', rk)
            redis.call('PEXPIRE', rk, 86400000)
            local start = rr % #active
            local best = nil
            for k = 0, #active - 1 do
              local c = active[((start + k) % #active) + 1]
              if not best or c.len < best.len then best = c end
            end
            chosen[1] = best
          else
            chosen = active
          end
        end
        local out = {'ok'}
        for i = 1, #chosen do
          local id = chosen[i].id
          local seq = redis.call('INCR', p .. 'seq')
          local entry = ARGV[5] .. '|' .. seq .. '|' .. ARGV[11]
          local mk = p .. 'mbox:' .. id
          redis.call('RPUSH', mk, entry)
          local ttl = chosen[i].window + extra
          redis.call('PEXPIRE', mk, ttl)
          if hist > 0 then
            local hk = p .. 'hist:' .. id
            redis.call('ZADD', hk, seq, entry)
            redis.call('ZREMRANGEBYRANK', hk, 0, -(hist + 1))
            redis.call('PEXPIRE', hk, ttl)
          end
          out[#out + 1] = seq
          out[#out + 1] = id
          redis.call('PUBLISH', p .. 'events', 'mailbox:' .. id)
        end
        redis.call('HINCRBY', p .. 'stats', 'sent', #chosen)
        out[#out + 1] = '|'
        for i = 1, #full do out[#out + 1] = full[i] end
        return out
        """;

    /// <summary>ARGV prefix, id, now, max. Pops (acknowledges) up to max live entries; expired ones are dropped and counted. Nil for an unknown agent.</summary>
    public const string Receive = Common + """
        if redis.call('EXISTS', p .. 'agent:' .. ARGV[2]) == 0 then return false end
        local mk = p .. 'mbox:' .. ARGV[2]
        local now = tonumber(ARGV[3])
        local max = tonumber(ARGV[4])
        local out = {}
        local expired = 0
        while #out < max do
          local e = redis.call('LPOP', mk)
          if not e then break end
          local x = expiresOf(e)
          if x and x > now then out[#out + 1] = e else expired = expired + 1 end
        end
        if #out > 0 then
          redis.call('HINCRBY', p .. 'stats', 'delivered', #out)
          redis.call('PUBLISH', p .. 'events', 'mailbox:' .. ARGV[2])
        end
        if expired > 0 then redis.call('HINCRBY', p .. 'stats', 'expired', expired) end
        return out
        """;

    /// <summary>ARGV prefix, id, after seq, now, max. Live history entries after the sequence, oldest first; nil for an unknown agent.</summary>
    public const string Replay = Common + """
        if redis.call('EXISTS', p .. 'agent:' .. ARGV[2]) == 0 then return false end
        local now = tonumber(ARGV[4])
        local items = redis.call('ZRANGEBYSCORE', p .. 'hist:' .. ARGV[2], '(' .. ARGV[3], '+inf', 'LIMIT', 0, tonumber(ARGV[5]) + 1)
        local out = {}
        for i = 1, #items do
          local x = expiresOf(items[i])
          if x and x > now then out[#out + 1] = items[i] end
        end
        return out
        """;

    /// <summary>ARGV prefix, id, now, max. The first max live entries of the mailbox without removing them; nil for an unknown agent.</summary>
    public const string Peek = Common + """
        if redis.call('EXISTS', p .. 'agent:' .. ARGV[2]) == 0 then return false end
        local now = tonumber(ARGV[3])
        local items = redis.call('LRANGE', p .. 'mbox:' .. ARGV[2], 0, tonumber(ARGV[4]) - 1)
        local out = {}
        for i = 1, #items do
          local x = expiresOf(items[i])
          if x and x > now then out[#out + 1] = items[i] end
        end
        return out
        """;

    /// <summary>
    /// ARGV prefix, now, retention ms, batch. Marks agents past their heartbeat deadline timed out (their keys then live
    /// for the retention) and deletes agents past retention. Returns 't:id' and 'p:id' for each change.
    /// </summary>
    public const string Sweep = Common + """
        local now = tonumber(ARGV[2])
        local retention = tonumber(ARGV[3])
        local batch = tonumber(ARGV[4])
        local out = {}
        local due = redis.call('ZRANGEBYSCORE', p .. 'agents:due', '-inf', now, 'LIMIT', 0, batch)
        for i = 1, #due do
          local id = due[i]
          local ak = p .. 'agent:' .. id
          redis.call('ZREM', p .. 'agents:due', id)
          if redis.call('EXISTS', ak) == 1 then
            redis.call('HSET', ak, 'st', 'timed_out')
            redis.call('ZADD', p .. 'agents:purge', now + retention, id)
            redis.call('PEXPIRE', ak, retention + 60000)
            redis.call('PEXPIRE', p .. 'mbox:' .. id, retention + 60000)
            redis.call('PEXPIRE', p .. 'hist:' .. id, retention + 60000)
            out[#out + 1] = 't:' .. id
          else
            dropAgent(id)
            out[#out + 1] = 'p:' .. id
          end
        end
        local purge = redis.call('ZRANGEBYSCORE', p .. 'agents:purge', '-inf', now, 'LIMIT', 0, batch)
        for i = 1, #purge do
          dropAgent(purge[i])
          out[#out + 1] = 'p:' .. purge[i]
        end
        return out
        """;
}
