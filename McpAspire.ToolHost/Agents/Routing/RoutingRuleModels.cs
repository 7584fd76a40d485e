using System.Text.Json.Serialization;

namespace McpAspire.ToolHost.Agents;

/// <summary>
/// An ordered routing rule: when a message matches every pattern given (globs with <c>*</c> and <c>?</c>), the first such
/// rule decides how it is delivered.
/// </summary>
/// <param name="Name">Rule name (unique).</param>
/// <param name="Action"><c>direct</c> (to the agent <paramref name="To"/>), <c>any</c> (one agent with the capability), <c>broadcast</c> (every agent with it) or <c>drop</c> (not delivered; the sender is told).</param>
/// <param name="Type">Message type pattern (null: any type).</param>
/// <param name="SenderCapability">Matches when the sender (<c>from</c>) has a capability matching it (null: any sender, even none).</param>
/// <param name="TargetCapability">Matches the capability a message is addressed to (null: any; a message sent <c>to</c> an agent has none).</param>
/// <param name="TargetAgent">Matches the agent id a message is sent <c>to</c> (null: any; a capability-addressed message has none).</param>
/// <param name="To">The agent a <c>direct</c> rule delivers to.</param>
/// <param name="RewriteCapability">For <c>any</c>/<c>broadcast</c>: route by this capability instead of the one the sender named.</param>
/// <param name="Source"><c>configuration</c>, or the id of the agent that added it.</param>
/// <param name="Hits">Messages this rule decided (shared by every replica).</param>
public sealed record RoutingRule(
    string Name,
    string Action,
    string? Type,
    string? SenderCapability,
    string? TargetCapability,
    string? TargetAgent,
    string? To,
    string? RewriteCapability,
    string Source,
    long Hits);

/// <summary>Result of <c>routing_rules_list</c>.</summary>
/// <param name="Rules">Rules in evaluation order: configured ones, then agent-added ones oldest first.</param>
/// <param name="Count">Number of rules.</param>
public sealed record RoutingRuleList(IReadOnlyList<RoutingRule> Rules, int Count);

/// <summary>Result of <c>routing_rules_remove</c>.</summary>
/// <param name="Name">The rule.</param>
/// <param name="Removed">False when no agent-added rule had that name.</param>
public sealed record RoutingRuleRemoval(string Name, bool Removed);

/// <summary>A routing rule as configured (<c>ToolHost:Agents:RoutingRules</c>) or stored in Redis (the <c>rules</c> hash).</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed class RoutingRuleSettings
{
    /// <summary>Rule name (unique).</summary>
    public string? Name { get; set; }

    /// <summary><c>direct</c>, <c>any</c>, <c>broadcast</c> or <c>drop</c>.</summary>
    public string? Action { get; set; }

    /// <summary>Message type pattern.</summary>
    public string? Type { get; set; }

    /// <summary>Sender capability pattern.</summary>
    public string? SenderCapability { get; set; }

    /// <summary>Target capability pattern.</summary>
    public string? TargetCapability { get; set; }

    /// <summary>Target agent id pattern.</summary>
    public string? TargetAgent { get; set; }

    /// <summary>Agent a <c>direct</c> rule delivers to.</summary>
    public string? To { get; set; }

    /// <summary>Capability <c>any</c>/<c>broadcast</c> route by instead of the sender's.</summary>
    public string? RewriteCapability { get; set; }

    /// <summary>Who added it (stored rules only).</summary>
    public string? AddedBy { get; set; }

    /// <summary>Evaluation order among agent-added rules (stored rules only).</summary>
    public long Order { get; set; }
}

/// <summary>How a message is delivered: the route, its target, and the rule that decided (null: no rule matched).</summary>
internal readonly record struct RouteDecision(string Route, string Target, string? Rule);
