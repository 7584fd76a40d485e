using System.Text.Json;
using McpAspire.ToolHost.Storage;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace McpAspire.ToolHost.Agents;

/// <summary>
/// The one place messages are routed: ordered rules (<c>ToolHost:Agents:RoutingRules</c>, then those agents added, in
/// the <c>rules</c> hash) are matched against a message's type, address and sender; the first match decides direct /
/// any / broadcast / drop and may rewrite the capability. Rules are evaluated once per message (a rewrite is not routed
/// again), so rules cannot loop. No rule matching: the message goes where the sender addressed it. Agent rules are
/// cached per replica until a <c>rules</c> event; hits are counted in the <c>rules:hits</c> hash (fire and forget).
/// </summary>
internal sealed class MessageRouter
{
    private const string Configured = "configuration";

    private readonly IConnectionMultiplexer _redis;
    private readonly AgentStore _store;
    private readonly ToolHostKeys _keys;
    private readonly IReadOnlyList<CompiledRoutingRule> _configured;
    private readonly ChangeAnnouncedSnapshot<IReadOnlyList<CompiledRoutingRule>> _rules;

    public MessageRouter(IConnectionMultiplexer redis, AgentStore store, IOptions<AgentOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _redis = redis;
        _store = store;
        _keys = new ToolHostKeys(options.Value.KeyPrefix);
        _configured = CompileConfigured(options.Value.RoutingRules);
        _rules = new ChangeAnnouncedSnapshot<IReadOnlyList<CompiledRoutingRule>>(LoadAsync);
        redis.ConnectionRestored += (_, _) => Invalidate();
    }

    /// <summary>Validates the configured rules (start-up); throws naming the first bad one.</summary>
    public static IReadOnlyList<CompiledRoutingRule> CompileConfigured(IEnumerable<RoutingRuleSettings> rules)
    {
        var compiled = rules.Select(r => CompiledRoutingRule.Compile(r, Configured)).ToList();
        if (compiled.GroupBy(r => r.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } duplicate)
        {
            throw new AgentCoordinationException($"Routing rule name '{duplicate.Key}' is used twice.");
        }
        return compiled;
    }

    public void Invalidate() => _rules.Invalidate();

    /// <summary>Where a message goes; throws when a matching rule cannot route it.</summary>
    public async Task<RouteDecision> RouteAsync(string type, string? to, string? capability, bool broadcast, string? sender, CancellationToken cancellationToken)
    {
        var rules = await _rules.GetAsync(cancellationToken).ConfigureAwait(false);
        IReadOnlyList<string>? senderCapabilities = null;
        var senderRead = false;
        foreach (var rule in rules)
        {
            if (!rule.MatchesMessage(type, to, capability))
            {
                continue;
            }
            if (rule.NeedsSenderCapabilities && !senderRead && sender is not null)
            {
                senderCapabilities = (await _store.GetAsync(sender, cancellationToken).ConfigureAwait(false))?.Capabilities;
                senderRead = true;
            }
            if (!rule.MatchesSender(senderCapabilities))
            {
                continue;
            }
            var decision = rule.Decide(to, capability);
            _ = _redis.GetDatabase().HashIncrementAsync(_keys.RuleHits, rule.Name, 1, CommandFlags.FireAndForget);
            return decision;
        }
        return to is not null ? new RouteDecision("direct", to, null) : new RouteDecision(broadcast ? "broadcast" : "any", capability!, null);
    }

    /// <summary>Every rule in evaluation order, with its hits.</summary>
    public async Task<IReadOnlyList<RoutingRule>> ListAsync(CancellationToken cancellationToken)
    {
        var rules = await _rules.GetAsync(cancellationToken).ConfigureAwait(false);
        var hits = await HitsAsync(cancellationToken).ConfigureAwait(false);
        return [.. rules.Select(r => r.ToRule(hits.GetValueOrDefault(r.Name)))];
    }

    /// <summary>Hits per rule name.</summary>
    public async Task<IReadOnlyDictionary<string, long>> HitsAsync(CancellationToken cancellationToken)
    {
        var fields = await _redis.GetDatabase().HashGetAllAsync(_keys.RuleHits).WaitAsync(cancellationToken).ConfigureAwait(false);
        return fields.ToDictionary(f => (string)f.Name!, f => (long)f.Value, StringComparer.Ordinal);
    }

    /// <summary>Adds (or replaces, keeping its place) an agent rule after the existing ones.</summary>
    public async Task<RoutingRule> AddAsync(RoutingRuleSettings settings, string addedBy, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings.AddedBy = addedBy;
        var rule = CompiledRoutingRule.Compile(settings, addedBy);
        RefuseConfigured(rule.Name, "replaced");
        var db = _redis.GetDatabase();
        var existing = await db.HashGetAsync(_keys.Rules, rule.Name).ConfigureAwait(false);
        settings.Order = existing.IsNull
            ? await db.StringIncrementAsync(_keys.RuleSequence).ConfigureAwait(false)
            : JsonSerializer.Deserialize((string)existing!, AgentJsonContext.Default.RoutingRuleSettings)!.Order;
        await db.HashSetAsync(_keys.Rules, rule.Name, JsonSerializer.Serialize(settings, AgentJsonContext.Default.RoutingRuleSettings)).ConfigureAwait(false);
        await AnnounceAsync().ConfigureAwait(false);
        return rule.ToRule((long)await db.HashGetAsync(_keys.RuleHits, rule.Name).ConfigureAwait(false));
    }

    /// <summary>Removes an agent rule; false when there was none.</summary>
    public async Task<bool> RemoveAsync(string name, CancellationToken cancellationToken)
    {
        RefuseConfigured(name, "removed");
        var removed = await _redis.GetDatabase().HashDeleteAsync(_keys.Rules, name).ConfigureAwait(false);
        await AnnounceAsync().ConfigureAwait(false);
        return removed;
    }

    private void RefuseConfigured(string name, string verb)
    {
        if (_configured.Any(r => r.Name == name))
        {
            throw new AgentCoordinationException($"Routing rule '{name}' comes from the tool host's configuration (ToolHost:Agents:RoutingRules) and cannot be {verb} by an agent.");
        }
    }

    private async Task AnnounceAsync()
    {
        Invalidate();
        await _redis.GetSubscriber().PublishAsync(RedisChannel.Literal(_keys.Events), "rules").ConfigureAwait(false);
    }

    private async Task<IReadOnlyList<CompiledRoutingRule>> LoadAsync(CancellationToken cancellationToken)
    {
        var fields = await _redis.GetDatabase().HashGetAllAsync(_keys.Rules).WaitAsync(cancellationToken).ConfigureAwait(false);
        var added = new List<CompiledRoutingRule>(fields.Length);
        foreach (var field in fields)
        {
            var settings = JsonSerializer.Deserialize((string)field.Value!, AgentJsonContext.Default.RoutingRuleSettings)!;
            try
            {
                added.Add(CompiledRoutingRule.Compile(settings, settings.AddedBy ?? "agent"));
            }
            catch (AgentCoordinationException)
            {
                // Checked when added; one a newer version stored is skipped rather than breaking every send.
            }
        }
        return [.. _configured, .. added.OrderBy(r => r.Settings.Order).ThenBy(r => r.Name, StringComparer.Ordinal)];
    }
}
