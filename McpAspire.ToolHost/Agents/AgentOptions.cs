using System.ComponentModel.DataAnnotations;

namespace McpAspire.ToolHost.Agents;

/// <summary>Agent coordination settings (configuration section <c>ToolHost:Agents</c>), validated at start-up.</summary>
public sealed class AgentOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "ToolHost:Agents";

    /// <summary>Prefix of every Redis key the tool host owns.</summary>
    [Required]
    [RegularExpression("^[A-Za-z0-9:_-]{1,64}$", ErrorMessage = "ToolHost:Agents:KeyPrefix must be 1-64 characters of letters, digits, ':', '_' or '-'.")]
    public string KeyPrefix { get; set; } = "toolhost:";

    /// <summary>Heartbeat interval used when an agent registers without one.</summary>
    [Range(1, 3600)]
    public int DefaultHeartbeatIntervalSeconds { get; set; } = 30;

    /// <summary>An agent is timed out after missing this many heartbeat intervals.</summary>
    [Range(1, 100)]
    public int MissedHeartbeats { get; set; } = 3;

    /// <summary>How long a timed-out agent's record, mailbox and history are kept before they are deleted.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "30.00:00:00", ErrorMessage = "ToolHost:Agents:MailboxRetention must be between 1 s and 30 days.")]
    public TimeSpan MailboxRetention { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How often the sweeper looks for timed-out and expired agents.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "01:00:00", ErrorMessage = "ToolHost:Agents:SweepInterval must be between 50 ms and 1 h.")]
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Most undelivered messages one mailbox holds; sends beyond it fail with a clear error.</summary>
    [Range(1, 100_000)]
    public int MaxQueueLength { get; set; } = 1000;

    /// <summary>Messages kept per mailbox for <c>messages_replay</c> (oldest dropped first).</summary>
    [Range(0, 100_000)]
    public int MaxHistoryLength { get; set; } = 1000;

    /// <summary>Largest message payload (serialized JSON) in bytes.</summary>
    [Range(16, 8 * 1024 * 1024)]
    public int MaxPayloadBytes { get; set; } = 64 * 1024;

    /// <summary>Message time to live used when a sender gives none.</summary>
    [Range(1, 7 * 24 * 3600)]
    public int DefaultMessageTtlSeconds { get; set; } = 3600;

    /// <summary>Longest message time to live a sender may ask for.</summary>
    [Range(1, 30 * 24 * 3600)]
    public int MaxMessageTtlSeconds { get; set; } = 24 * 3600;

    /// <summary>Longest <c>messages_receive</c> wait.</summary>
    [Range(0, 300)]
    public int MaxReceiveWaitSeconds { get; set; } = 60;

    /// <summary>Largest context value or handle value (serialized JSON) in bytes.</summary>
    [Range(16, 8 * 1024 * 1024)]
    public int MaxValueBytes { get; set; } = 256 * 1024;

    /// <summary>Handle time to live used when none is given.</summary>
    [Range(1, 30 * 24 * 3600)]
    public int DefaultHandleTtlSeconds { get; set; } = 3600;

    /// <summary>Longest handle or context time to live.</summary>
    [Range(1, 365 * 24 * 3600)]
    public int MaxTtlSeconds { get; set; } = 7 * 24 * 3600;

    /// <summary>
    /// A JSON file of message types every replica knows (<c>{ "task.assign": { "schema": {…}, "defaultTtlSeconds": 60,
    /// "maxBytes": 4096 } }</c>); relative paths are from the content root. Agents cannot change or remove these.
    /// </summary>
    public string? MessageTypesFile { get; set; }

    /// <summary>Refuse messages whose type is not declared (by the file or an agent). Off: undeclared types pass unchecked.</summary>
    public bool RequireDeclaredTypes { get; set; }

    /// <summary>The capability an agent needs to declare or remove message types with the tools.</summary>
    [Required]
    [RegularExpression("^[A-Za-z0-9._:/-]{1,128}$", ErrorMessage = "ToolHost:Agents:TypeAdminCapability must be 1-128 of [A-Za-z0-9._:/-].")]
    public string TypeAdminCapability { get; set; } = "types:admin";

    /// <summary>Payloads larger than this (bytes of JSON) are stored Brotli-compressed in Redis; 0 turns compression off.</summary>
    [Range(0, 8 * 1024 * 1024)]
    public int CompressionThresholdBytes { get; set; } = 4096;

    /// <summary>Tool errors kept in the shared history (newest first).</summary>
    [Range(1, 100_000)]
    public int MaxErrorHistory { get; set; } = 1000;

    /// <summary>
    /// Extra attempts for a read-only or idempotent tool call that failed on Redis or a timeout, unless
    /// <see cref="Retry"/> names the category.
    /// </summary>
    [Range(0, 10)]
    public int RetryAttempts { get; set; } = 2;

    /// <summary>Wait before the first retry (doubling for each next one), unless <see cref="Retry"/> names the category.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:30", ErrorMessage = "ToolHost:Agents:RetryDelay must be between 0 and 30 s.")]
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// Retry strategy per error category (<c>ToolHost:Agents:Retry:{category}:{Attempts,Delay,Backoff}</c>), e.g. more
    /// patience for <c>redis</c> than for <c>timeout</c>, or retrying <c>unknown_agent</c> while agents register on other
    /// replicas. <c>validation</c>, <c>permission</c> and <c>internal</c> cannot be retried.
    /// </summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Usage", "CA2227:Collection properties should be read only", Justification = "Bound from configuration.")]
    public IDictionary<string, RetrySettings> Retry { get; set; } = new Dictionary<string, RetrySettings>(StringComparer.Ordinal);

    /// <summary>Ordered routing rules every replica applies before those agents add (<see cref="RoutingRuleSettings"/>).</summary>
    public IList<RoutingRuleSettings> RoutingRules { get; set; } = [];

    /// <summary>The capability an agent needs to add or remove routing rules with the tools.</summary>
    [Required]
    [RegularExpression("^[A-Za-z0-9._:/-]{1,128}$", ErrorMessage = "ToolHost:Agents:RulesAdminCapability must be 1-128 of [A-Za-z0-9._:/-].")]
    public string RulesAdminCapability { get; set; } = "rules:admin";
}
