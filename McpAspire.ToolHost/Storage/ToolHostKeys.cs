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
/// <item><c>types</c> hash name → declared message type (JSON); <c>rules</c> hash name → agent routing rule (JSON), <c>rules:hits</c> hash name → hits, <c>rules:seq</c> order counter; <c>errors</c> list of recent tool errors (JSON, newest first, capped), <c>errors:counts</c> hash category:severity → count.</item>
/// <item><c>events</c> pub/sub channel: <c>agent:{id}</c>, <c>mailbox:{id}</c>, <c>list</c>, <c>types</c>, <c>rules</c>.</item>
/// </list>
/// Redis Cluster: every key carries the configured prefix as one hash tag (<c>toolhost:{toolhost}:agent:a1</c>), so
/// the whole coordination keyspace lives in one slot and every script (which reaches agents, mailboxes, capability
/// sets and indexes together) runs on one node. Scripts pass <see cref="Route"/> as their key so the client sends
/// them to that node. The cost: the tool host's data is not spread over the cluster (it is small: agents, mailboxes
/// bounded by their limits, shared context with TTLs).
/// </summary>
internal sealed class ToolHostKeys
{
    public ToolHostKeys(string prefix)
    {
        ArgumentException.ThrowIfNullOrEmpty(prefix);
        Prefix = prefix + "{" + prefix.TrimEnd(':') + "}:";
        Route = [Prefix + "stats"];
        Stats = Prefix + "stats";
        Agents = Prefix + "agents";
        Due = Prefix + "agents:due";
        Events = Prefix + "events";
        Types = Prefix + "types";
        Rules = Prefix + "rules";
        RuleHits = Prefix + "rules:hits";
        RuleSequence = Prefix + "rules:seq";
        Errors = Prefix + "errors";
        ErrorCounts = Prefix + "errors:counts";
    }

    public string Prefix { get; }

    /// <summary>The key every script declares: it names the slot the whole keyspace lives in.</summary>
    public StackExchange.Redis.RedisKey[] Route { get; }

    public string Stats { get; }

    public string Agents { get; }

    public string Due { get; }

    public string Events { get; }

    public string Types { get; }

    public string Rules { get; }

    public string RuleHits { get; }

    public string RuleSequence { get; }

    public string Errors { get; }

    public string ErrorCounts { get; }

    /// <summary>Errors recorded in one minute (Unix minutes), kept three minutes: the error rate's window.</summary>
    public string ErrorMinute(long unixMinute) => Prefix + "errors:minute:" + unixMinute.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public string Agent(string id) => Prefix + "agent:" + id;

    public string Mailbox(string id) => Prefix + "mbox:" + id;

    public string Context(string key) => Prefix + "ctx:" + key;

    public string Handle(string id) => Prefix + "handle:" + id;
}
