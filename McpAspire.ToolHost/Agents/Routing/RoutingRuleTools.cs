using System.ComponentModel;
using McpAspire.ToolHost.Storage;
using Microsoft.Extensions.Options;
using ModelContextProtocol.Server;

namespace McpAspire.ToolHost.Agents;

/// <summary>Routing rule tools: list (with hits), add, remove (agents with the rules-admin capability).</summary>
[McpServerToolType]
internal sealed class RoutingRuleTools
{
    private readonly MessageRouter _router;
    private readonly AgentStore _store;
    private readonly AgentOptions _options;

    public RoutingRuleTools(MessageRouter router, AgentStore store, IOptions<AgentOptions> options)
    {
        _router = router;
        _store = store;
        _options = options.Value;
    }

    /// <summary>Lists the rules.</summary>
    [McpServerTool(Name = "routing_rules_list", ReadOnly = true, Idempotent = true, OpenWorld = false, UseStructuredContent = true)]
    [Description("Lists the routing rules in the order they are evaluated (configured ones first, then agent-added ones oldest first), each with its hit count. The first rule whose patterns all match a message decides where it goes.")]
    public async Task<RoutingRuleList> ListAsync(CancellationToken cancellationToken = default)
    {
        var rules = await _router.ListAsync(cancellationToken).ConfigureAwait(false);
        return new RoutingRuleList(rules, rules.Count);
    }

    /// <summary>Adds a rule.</summary>
    [McpServerTool(Name = "routing_rules_add", Idempotent = true, OpenWorld = false, UseStructuredContent = true)]
    [Description("Adds (or replaces, keeping its place) a routing rule evaluated after the existing ones. Patterns are globs (* and ?); a rule matches when every pattern it gives matches. Actions: direct (deliver to 'to'), any (one active agent with the capability, least queued first), broadcast (every active agent with it), drop (not delivered; the sender is told which rule dropped it). any/broadcast may rewrite the capability. Needs an active agent with the rules-admin capability (ToolHost:Agents:RulesAdminCapability, default rules:admin).")]
    public async Task<RoutingRule> AddAsync(
        [Description("Rule name, 1-128 of [A-Za-z0-9._:/-].")] string name,
        [Description("direct, any, broadcast or drop.")] string action,
        [Description("The adding agent's id (registered, active, with the rules-admin capability).")] string from,
        [Description("Message type pattern (omit: any type).")] string? type = null,
        [Description("Matches when the sender has a capability matching this pattern (omit: any sender).")] string? senderCapability = null,
        [Description("Matches the capability a message is addressed to (omit: any).")] string? targetCapability = null,
        [Description("Matches the agent id a message is sent to (omit: any).")] string? targetAgent = null,
        [Description("direct only: the agent to deliver to.")] string? to = null,
        [Description("any/broadcast only: route by this capability instead.")] string? rewriteCapability = null,
        CancellationToken cancellationToken = default)
    {
        var adder = await AgentPermissions.RequireCapabilityAsync(_store, from, _options.RulesAdminCapability, "change routing rules", cancellationToken).ConfigureAwait(false);
        var settings = new RoutingRuleSettings
        {
            Name = name,
            Action = action,
            Type = type,
            SenderCapability = senderCapability,
            TargetCapability = targetCapability,
            TargetAgent = targetAgent,
            To = to,
            RewriteCapability = rewriteCapability,
        };
        return await _router.AddAsync(settings, adder, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Removes a rule.</summary>
    [McpServerTool(Name = "routing_rules_remove", Destructive = true, Idempotent = true, OpenWorld = false, UseStructuredContent = true)]
    [Description("Removes an agent-added routing rule (configured rules cannot be removed). Needs the rules-admin capability, like routing_rules_add.")]
    public async Task<RoutingRuleRemoval> RemoveAsync(
        [Description("Rule name.")] string name,
        [Description("The removing agent's id (registered, active, with the rules-admin capability).")] string from,
        CancellationToken cancellationToken = default)
    {
        var rule = AgentInput.MessageType(name, "name");
        await AgentPermissions.RequireCapabilityAsync(_store, from, _options.RulesAdminCapability, "change routing rules", cancellationToken).ConfigureAwait(false);
        return new RoutingRuleRemoval(rule, await _router.RemoveAsync(rule, cancellationToken).ConfigureAwait(false));
    }
}
