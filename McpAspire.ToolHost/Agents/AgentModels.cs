using System.ComponentModel;
using System.Text.Json;

namespace McpAspire.ToolHost.Agents;

/// <summary>A registered agent as tools and resources return it.</summary>
/// <param name="Id">Agent id (the connection id other agents address).</param>
/// <param name="Name">Display name.</param>
/// <param name="Capabilities">Capabilities messages can be routed by.</param>
/// <param name="Metadata">Free-form string metadata.</param>
/// <param name="HeartbeatIntervalSeconds">Expected heartbeat interval.</param>
/// <param name="Status"><c>active</c> or <c>timed_out</c>.</param>
/// <param name="RegisteredAt">First registration time.</param>
/// <param name="LastHeartbeatAt">Last registration or heartbeat.</param>
/// <param name="TimeoutAt">When the agent times out without another heartbeat.</param>
/// <param name="QueueLength">Undelivered entries in its mailbox (may include not yet purged expired ones).</param>
public sealed record AgentInfo(
    [property: Description("Agent id (the connection id other agents address).")] string Id,
    [property: Description("Display name.")] string Name,
    [property: Description("Capabilities messages can be routed by.")] IReadOnlyList<string> Capabilities,
    [property: Description("Free-form string metadata.")] IReadOnlyDictionary<string, string> Metadata,
    [property: Description("Expected heartbeat interval in seconds.")] int HeartbeatIntervalSeconds,
    [property: Description("active or timed_out.")] string Status,
    DateTimeOffset RegisteredAt,
    DateTimeOffset LastHeartbeatAt,
    DateTimeOffset TimeoutAt,
    [property: Description("Undelivered entries in the agent's mailbox.")] long QueueLength);

/// <summary>Result of <c>agents_register</c>.</summary>
/// <param name="Agent">The agent as stored.</param>
/// <param name="Created">False when an existing id was re-registered (capabilities and metadata replaced, mailbox kept).</param>
public sealed record AgentRegistration(AgentInfo Agent, bool Created);

/// <summary>Result of <c>agents_heartbeat</c>.</summary>
/// <param name="Id">Agent id.</param>
/// <param name="Status">Always <c>active</c> after a heartbeat.</param>
/// <param name="TimeoutAt">The new deadline.</param>
/// <param name="Revived">True when the agent had been marked timed out and is active again.</param>
public sealed record HeartbeatResult(string Id, string Status, DateTimeOffset TimeoutAt, bool Revived);

/// <summary>Result of <c>agents_unregister</c>.</summary>
/// <param name="Id">Agent id.</param>
/// <param name="Removed">False when no such agent existed.</param>
public sealed record UnregisterResult(string Id, bool Removed);

/// <summary>Result of <c>agents_list</c>.</summary>
/// <param name="Agents">Matching agents, oldest registration first.</param>
/// <param name="Count">Number of agents returned.</param>
public sealed record AgentList(IReadOnlyList<AgentInfo> Agents, int Count);

/// <summary>One copy of a sent message.</summary>
/// <param name="AgentId">Recipient.</param>
/// <param name="MessageId">Id of this copy (a server-wide increasing sequence, usable with <c>messages_replay</c>).</param>
public sealed record Delivery(string AgentId, string MessageId);

/// <summary>Result of <c>messages_send</c>.</summary>
/// <param name="Deliveries">One entry per recipient mailbox.</param>
/// <param name="SkippedFull">Broadcast only: recipients skipped because their mailbox was full.</param>
/// <param name="ExpiresAt">When the message expires undelivered.</param>
/// <param name="Rule">The routing rule that decided where it went (null: none matched, it went where it was addressed).</param>
/// <param name="Dropped">True when a <c>drop</c> rule decided it is not delivered (no deliveries).</param>
public sealed record SendResult(IReadOnlyList<Delivery> Deliveries, IReadOnlyList<string> SkippedFull, DateTimeOffset ExpiresAt, string? Rule = null, bool Dropped = false);

/// <summary>A message as a recipient reads it.</summary>
/// <param name="Id">Message id (increasing).</param>
/// <param name="To">Recipient agent id.</param>
/// <param name="From">Sender agent id, if given.</param>
/// <param name="Type">Message type.</param>
/// <param name="Payload">The JSON payload as sent.</param>
/// <param name="Route"><c>direct</c>, <c>any</c> or <c>broadcast</c>.</param>
/// <param name="Capability">The capability routed by (any/broadcast).</param>
/// <param name="SentAt">Send time.</param>
/// <param name="ExpiresAt">Expiry time.</param>
public sealed record AgentMessage(string Id, string To, string? From, string Type, [property: Description("The JSON payload as sent.")] JsonElement Payload, string Route, string? Capability, DateTimeOffset SentAt, DateTimeOffset ExpiresAt);

/// <summary>Result of <c>messages_receive</c> and <c>messages_replay</c>.</summary>
/// <param name="Messages">Messages, oldest first.</param>
/// <param name="Count">Number of messages.</param>
/// <param name="LastId">Id of the last message (pass it to <c>messages_replay</c> as <c>afterId</c>), or null.</param>
/// <param name="HasMore">Replay only: more history exists after <paramref name="LastId"/>.</param>
public sealed record MessageBatch(IReadOnlyList<AgentMessage> Messages, int Count, string? LastId, bool HasMore);

/// <summary>Result of <c>context_put</c> and <c>context_get</c>.</summary>
/// <param name="Key">Context key.</param>
/// <param name="Found">False when the key does not exist or has expired.</param>
/// <param name="Value">The stored JSON value.</param>
/// <param name="ExpiresAt">When the entry expires.</param>
public sealed record ContextEntry(string Key, bool Found, [property: Description("The stored JSON value (absent when not found).")] JsonElement? Value, DateTimeOffset? ExpiresAt);

/// <summary>Result of <c>handles_create</c> and <c>handles_get</c>.</summary>
/// <param name="Handle">The opaque, server-minted handle.</param>
/// <param name="Found">False when the handle is unknown, released or expired.</param>
/// <param name="Value">The bound JSON value (get only).</param>
/// <param name="ExpiresAt">When the handle expires.</param>
public sealed record HandleEntry(string Handle, bool Found, [property: Description("The bound JSON value (absent when not found, and on create).")] JsonElement? Value, DateTimeOffset? ExpiresAt);

/// <summary>Result of <c>handles_release</c>.</summary>
/// <param name="Handle">The handle.</param>
/// <param name="Released">False when it did not exist (already released or expired).</param>
public sealed record HandleRelease(string Handle, bool Released);

/// <summary>Coordination statistics (counters live in Redis, so they are shared by every replica and survive restarts).</summary>
/// <param name="MessagesSent">Message copies queued.</param>
/// <param name="MessagesDelivered">Message copies received (acknowledged).</param>
/// <param name="MessagesExpired">Message copies dropped because their TTL passed.</param>
/// <param name="SendsRejectedFull">Sends refused because mailboxes were full.</param>
/// <param name="AgentsActive">Agents with a pending heartbeat deadline.</param>
/// <param name="AgentsKnown">Agents registered (active or timed out, not yet purged).</param>
/// <param name="RuleHits">Messages each routing rule decided, by rule name.</param>
/// <param name="MessagesCompressed">Messages whose payload was stored compressed (above ToolHost:Agents:CompressionThresholdBytes).</param>
/// <param name="BytesSaved">Bytes of Redis memory compression saved, summed over every stored copy.</param>
public sealed record AgentStats(long MessagesSent, long MessagesDelivered, long MessagesExpired, long SendsRejectedFull, long AgentsActive, long AgentsKnown, IReadOnlyDictionary<string, long> RuleHits, long MessagesCompressed, long BytesSaved);

/// <summary>
/// The stored part of a message (entries are <c>expiresMs|seq|json</c>). A large payload is stored compressed instead:
/// <paramref name="Payload"/> null, <paramref name="Z"/> the Brotli bytes in base64, <paramref name="ZLength"/> its UTF-8 length.
/// </summary>
internal sealed record StoredMessage(string? From, string Type, JsonElement? Payload, string Route, string? Capability, long SentAt, string? Z = null, int ZLength = 0);
