using System.ComponentModel;
using ModelContextProtocol.Server;

namespace McpAspire.ToolHost.Agents;

/// <summary>Prompts that teach an assistant how to drive the coordination tools.</summary>
[McpServerPromptType]
internal sealed class AgentPrompts
{
    [McpServerPrompt(Name = "coordinate_agents", Title = "Coordinate agents on a goal")]
    [Description("Plans how to split a goal across registered agents by capability and drives it with the messaging tools.")]
    public static string Coordinate(
        [Description("What the agents should achieve together.")] string goal,
        [Description("Comma-separated capabilities to involve; empty for any.")] string? capabilities = null) =>
        $"""
        You coordinate a team of agents through the McpAspire tool host. Goal: {goal}
        {(string.IsNullOrWhiteSpace(capabilities) ? "" : $"Involve agents with these capabilities: {capabilities}.")}

        1. Call agents_list (status "active") to see who is available and what each can do; read agents://list for the same view.
        2. Split the goal into tasks. For each task pick a capability and call messages_send with `capability` (one agent, the
           least busy) or with `broadcast: true` when every agent with it must act. Use `to` only for a specific agent.
           Give each message a precise `type` (e.g. task.assign) and a JSON `payload` with everything the agent needs.
        3. Keep shared facts in context_put/context_get (keys like goal/<name>) instead of repeating them in every message;
           for large intermediate results mint a handle with handles_create and pass the handle.
        4. Register yourself (agents_register) to receive replies, then call messages_receive with waitSeconds to collect them;
           use messages_replay with the last id you saw if you lost track.
        5. If a send fails because a mailbox is full or no agent is active, report it and choose another capability or wait.
        Finish with a short summary of which agent did what and what is still open.
        """;

    [McpServerPrompt(Name = "triage_mailbox", Title = "Triage an agent's mailbox")]
    [Description("Reads an agent's pending messages and sorts them into act-now, delegate and ignore.")]
    public static string Triage(
        [Description("The agent whose mailbox to triage.")] string agentId) =>
        $"""
        Triage the mailbox of agent '{agentId}'.
        1. Read mailbox://{agentId} to see pending messages without taking them (or messages_replay for history).
        2. Group them by `type` and sender (`from`); note anything close to `expiresAt`.
        3. For each group decide: act now, delegate (messages_send with a capability), or ignore.
        4. Take the messages you will handle with messages_receive (agentId '{agentId}'), which acknowledges them.
        5. Call agents_heartbeat for '{agentId}' so it is not timed out while you work.
        Report the plan as a short table: type, count, decision, reason.
        """;
}
