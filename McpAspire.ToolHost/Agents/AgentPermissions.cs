using McpAspire.ToolHost.Storage;

namespace McpAspire.ToolHost.Agents;

/// <summary>Checks that the agent a tool call names as <c>from</c> may do an administrative change.</summary>
internal static class AgentPermissions
{
    /// <summary>The agent's id when it is registered, active and has <paramref name="capability"/>; else a tool error.</summary>
    public static async Task<string> RequireCapabilityAsync(AgentStore store, string from, string capability, string what, CancellationToken cancellationToken)
    {
        var id = AgentInput.AgentId(from, "from");
        var agent = await store.GetAsync(id, cancellationToken).ConfigureAwait(false) ?? throw AgentCoordinationException.UnknownAgent(id);
        if (agent.Status != "active" || !agent.Capabilities.Contains(capability, StringComparer.Ordinal))
        {
            throw new AgentCoordinationException($"Agent '{id}' may not {what}: it must be active and have the capability '{capability}'.");
        }
        return id;
    }
}
