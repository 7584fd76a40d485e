namespace McpAspire.ToolHost.Storage;

/// <summary>
/// The <c>toolhost:*</c> key schema (prefix configurable). Scripts build per-agent keys from the same prefix, so the
/// names here and in <see cref="AgentScripts"/> must agree:
/// <list type="bullet">
/// <item><c>agents</c> zset id → registered (ms): the listing index.</item>
/// <item><c>agents:due</c> zset id → heartbeat deadline (ms) of active agents; <c>agents:purge</c> zset id → purge time of timed-out agents.</item>
/// <item><c>agent:{id}</c> hash; <c>mbox:{id}</c> list of undelivered entries; <c>hist:{id}</c> zset seq → entry (replay).</item>
/// <item><c>cap:{capability}</c> set of agent ids; <c>rr:{capability}</c> round-robin counter.</item>
/// <item><c>seq</c> message sequence; <c>stats</c> hash of counters; <c>ctx:{key}</c>, <c>handle:{id}</c> strings with TTL.</item>
/// <item><c>events</c> pub/sub channel: <c>agent:{id}</c>, <c>mailbox:{id}</c>, <c>list</c>.</item>
/// </list>
/// </summary>
internal sealed class ToolHostKeys
{
    public ToolHostKeys(string prefix)
    {
        Prefix = prefix;
        Stats = prefix + "stats";
        Agents = prefix + "agents";
        Due = prefix + "agents:due";
        Events = prefix + "events";
    }

    public string Prefix { get; }

    public string Stats { get; }

    public string Agents { get; }

    public string Due { get; }

    public string Events { get; }

    public string Agent(string id) => Prefix + "agent:" + id;

    public string Mailbox(string id) => Prefix + "mbox:" + id;

    public string Context(string key) => Prefix + "ctx:" + key;

    public string Handle(string id) => Prefix + "handle:" + id;
}
