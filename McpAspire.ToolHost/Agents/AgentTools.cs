using System.ComponentModel;
using System.Security.Cryptography;
using McpAspire.ToolHost.Storage;
using Microsoft.Extensions.Options;
using ModelContextProtocol.Server;

namespace McpAspire.ToolHost.Agents;

/// <summary>Agent registry tools: register, heartbeat, unregister, list, statistics.</summary>
[McpServerToolType]
internal sealed class AgentTools
{
    private readonly AgentStore _store;
    private readonly AgentOptions _options;

    public AgentTools(AgentStore store, IOptions<AgentOptions> options)
    {
        _store = store;
        _options = options.Value;
    }

    /// <summary>Registers (or re-registers) an agent.</summary>
    [McpServerTool(Name = "agents_register", Idempotent = true, OpenWorld = false, UseStructuredContent = true)]
    [Description("Registers an agent with capabilities and a heartbeat interval. Omit 'id' to get a server-minted one. Re-registering an id replaces its name, capabilities and metadata and keeps its mailbox. The agent must call agents_heartbeat at least every heartbeatIntervalSeconds or it is marked timed out.")]
    public Task<AgentRegistration> RegisterAsync(
        [Description("Display name, 1-200 characters.")] string name,
        [Description("Agent id: 1-128 of [A-Za-z0-9._-]. Omitted: the server mints one.")] string? id = null,
        [Description("Capabilities messages can be routed by (at most 32), each 1-64 of [A-Za-z0-9._:/-].")] string[]? capabilities = null,
        [Description("String metadata (at most 32 entries).")] Dictionary<string, string>? metadata = null,
        [Description("Heartbeat interval in seconds (1-3600); the agent times out after missing several.")] int? heartbeatIntervalSeconds = null,
        CancellationToken cancellationToken = default)
    {
        var agentId = id is null ? "agent-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)) : AgentInput.AgentId(id);
        return _store.RegisterAsync(
            agentId,
            AgentInput.Name(name),
            AgentInput.Capabilities(capabilities),
            AgentInput.Metadata(metadata),
            AgentInput.Range(heartbeatIntervalSeconds, _options.DefaultHeartbeatIntervalSeconds, 1, 3600, "heartbeatIntervalSeconds"),
            cancellationToken);
    }

    /// <summary>Records a heartbeat.</summary>
    [McpServerTool(Name = "agents_heartbeat", Idempotent = true, OpenWorld = false, UseStructuredContent = true)]
    [Description("Records a heartbeat for an agent, pushing its timeout forward; revives an agent that was marked timed out (until its retention ends).")]
    public Task<HeartbeatResult> HeartbeatAsync(
        [Description("Agent id.")] string id,
        CancellationToken cancellationToken = default) =>
        _store.HeartbeatAsync(AgentInput.AgentId(id), cancellationToken);

    /// <summary>Removes an agent.</summary>
    [McpServerTool(Name = "agents_unregister", Destructive = true, Idempotent = true, OpenWorld = false, UseStructuredContent = true)]
    [Description("Unregisters an agent; its mailbox and message history are deleted.")]
    public async Task<UnregisterResult> UnregisterAsync(
        [Description("Agent id.")] string id,
        CancellationToken cancellationToken = default)
    {
        var agentId = AgentInput.AgentId(id);
        return new UnregisterResult(agentId, await _store.UnregisterAsync(agentId, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>Lists agents.</summary>
    [McpServerTool(Name = "agents_list", ReadOnly = true, Idempotent = true, OpenWorld = false, UseStructuredContent = true)]
    [Description("Lists registered agents (at most 1000), optionally only those with a capability and/or a status (active, timed_out).")]
    public async Task<AgentList> ListAsync(
        [Description("Only agents with this capability.")] string? capability = null,
        [Description("Only agents with this status: active or timed_out.")] string? status = null,
        CancellationToken cancellationToken = default)
    {
        if (status is not (null or "active" or "timed_out"))
        {
            throw new AgentCoordinationException($"Invalid 'status' '{status}': must be 'active' or 'timed_out'.");
        }
        var agents = await _store.ListAsync(capability is null ? null : AgentInput.Capability(capability), status, cancellationToken).ConfigureAwait(false);
        return new AgentList(agents, agents.Count);
    }

    /// <summary>Coordination statistics.</summary>
    [McpServerTool(Name = "agents_stats", ReadOnly = true, Idempotent = true, OpenWorld = false, UseStructuredContent = true)]
    [Description("Messages sent, delivered, expired and rejected (full mailboxes), and agents active and known; shared by every tool host replica.")]
    public Task<AgentStats> StatsAsync(CancellationToken cancellationToken = default) => _store.StatsAsync(cancellationToken);
}
