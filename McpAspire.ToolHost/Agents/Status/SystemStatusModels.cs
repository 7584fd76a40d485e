namespace McpAspire.ToolHost.Agents;

/// <summary>One view of the whole coordination system (the <c>status://system</c> resource and <c>GET /stats/system</c>).</summary>
/// <param name="Healthy">Redis answers and no queue is full.</param>
/// <param name="Redis">The store.</param>
/// <param name="Agents">Agents by state.</param>
/// <param name="Queues">Undelivered messages.</param>
/// <param name="Messages">Counters since the keyspace was created (shared by every replica).</param>
/// <param name="RuleHits">Messages each routing rule decided.</param>
/// <param name="Errors">Tool errors counted since the keyspace was created, by <c>category:severity</c> (details: errors_list).</param>
/// <param name="ErrorsPerMinute">Tool errors per minute over the last minute, every replica's (a sliding-window estimate).</param>
/// <param name="GeneratedAt">When this view was read.</param>
public sealed record SystemStatus(bool Healthy, RedisStatus Redis, AgentCounts Agents, QueueStatus Queues, AgentStats Messages, IReadOnlyDictionary<string, long> RuleHits, IReadOnlyDictionary<string, long> Errors, double ErrorsPerMinute, DateTimeOffset GeneratedAt);

/// <summary>The store's state.</summary>
/// <param name="Connected">A PING was answered.</param>
/// <param name="PingMilliseconds">Its round trip (null when it failed).</param>
/// <param name="Error">Why it failed.</param>
public sealed record RedisStatus(bool Connected, double? PingMilliseconds, string? Error);

/// <summary>Agents by state.</summary>
/// <param name="Active">Heartbeating.</param>
/// <param name="TimedOut">Missed their heartbeats, kept for the retention.</param>
public sealed record AgentCounts(int Active, int TimedOut);

/// <summary>Undelivered messages over every mailbox.</summary>
/// <param name="Total">Entries waiting in all mailboxes.</param>
/// <param name="Deepest">The agent with the most waiting (null when every mailbox is empty).</param>
/// <param name="DeepestLength">Its queue length.</param>
/// <param name="Full">Agents whose mailbox is at ToolHost:Agents:MaxQueueLength.</param>
/// <param name="OldestAgeSeconds">Age of the oldest waiting message (null when none wait).</param>
public sealed record QueueStatus(long Total, string? Deepest, long DeepestLength, int Full, double? OldestAgeSeconds);
