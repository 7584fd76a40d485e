using System.IO.Enumeration;
using System.Text.RegularExpressions;

namespace McpAspire.ToolHost.Agents;

/// <summary>A validated routing rule, ready to match.</summary>
internal sealed partial class CompiledRoutingRule
{
    private static readonly string[] s_actions = ["direct", "any", "broadcast", "drop"];

    private CompiledRoutingRule(RoutingRuleSettings settings, string name, string action, string source)
    {
        Settings = settings;
        Name = name;
        Action = action;
        Source = source;
    }

    public RoutingRuleSettings Settings { get; }

    public string Name { get; }

    public string Action { get; }

    public string Source { get; }

    public bool NeedsSenderCapabilities => Settings.SenderCapability is not null;

    /// <summary>Validates a rule; throws <see cref="AgentCoordinationException"/> naming the field and the rule it broke.</summary>
    public static CompiledRoutingRule Compile(RoutingRuleSettings settings, string source)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var name = AgentInput.MessageType(settings.Name, "name");
        var action = settings.Action?.ToLowerInvariant();
        if (action is null || !s_actions.Contains(action))
        {
            throw new AgentCoordinationException($"Invalid 'action' '{settings.Action}' of rule '{name}': must be direct, any, broadcast or drop.");
        }
        foreach (var (field, pattern) in new[] { ("type", settings.Type), ("senderCapability", settings.SenderCapability), ("targetCapability", settings.TargetCapability), ("targetAgent", settings.TargetAgent) })
        {
            if (pattern is not null && !PatternRegex().IsMatch(pattern))
            {
                throw new AgentCoordinationException($"Invalid '{field}' pattern '{pattern}' of rule '{name}': must be 1-128 of [A-Za-z0-9._:/-] with * and ? as wildcards.");
            }
        }
        if (action == "direct")
        {
            AgentInput.AgentId(settings.To, "to");
        }
        else if (settings.To is not null)
        {
            throw new AgentCoordinationException($"Rule '{name}': 'to' is only for direct rules.");
        }
        if (settings.RewriteCapability is not null)
        {
            if (action is not ("any" or "broadcast"))
            {
                throw new AgentCoordinationException($"Rule '{name}': 'rewriteCapability' is only for any and broadcast rules.");
            }
            AgentInput.Capability(settings.RewriteCapability, "rewriteCapability");
        }
        return new CompiledRoutingRule(settings, name, action, source);
    }

    /// <summary>True when the message's type and address match the rule's patterns.</summary>
    public bool MatchesMessage(string type, string? to, string? capability)
    {
        var s = Settings;
        return Glob(s.Type, type)
            && (s.TargetCapability is null || (capability is not null && Glob(s.TargetCapability, capability)))
            && (s.TargetAgent is null || (to is not null && Glob(s.TargetAgent, to)));
    }

    /// <summary>True when the rule has no sender pattern, or the sender has a capability matching it.</summary>
    public bool MatchesSender(IReadOnlyList<string>? senderCapabilities) =>
        Settings.SenderCapability is not { } pattern || (senderCapabilities is not null && senderCapabilities.Any(c => Glob(pattern, c)));

    /// <summary>What this rule does with a message addressed to <paramref name="to"/> or <paramref name="capability"/>.</summary>
    public RouteDecision Decide(string? to, string? capability) => Action switch
    {
        "drop" => new RouteDecision("drop", to ?? capability!, Name),
        "direct" => new RouteDecision("direct", Settings.To!, Name),
        _ => new RouteDecision(Action, Settings.RewriteCapability ?? capability
            ?? throw new AgentCoordinationException($"Routing rule '{Name}' routes by capability ({Action}) but the message is sent to an agent and the rule has no rewriteCapability; nothing was sent."), Name),
    };

    public RoutingRule ToRule(long hits) => new(Name, Action, Settings.Type, Settings.SenderCapability, Settings.TargetCapability, Settings.TargetAgent, Settings.To, Settings.RewriteCapability, Source, hits);

    private static bool Glob(string? pattern, string value) => pattern is null || FileSystemName.MatchesSimpleExpression(pattern, value, ignoreCase: false);

    [GeneratedRegex("^[A-Za-z0-9._:/*?-]{1,128}$")]
    private static partial Regex PatternRegex();
}
