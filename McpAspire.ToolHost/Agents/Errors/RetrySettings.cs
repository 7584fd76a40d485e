namespace McpAspire.ToolHost.Agents;

/// <summary>
/// How failures of one error category are retried (configuration <c>ToolHost:Agents:Retry:{category}</c>): only calls of
/// read-only or idempotent tools are ever retried, whatever the category. What an entry leaves unset comes from the
/// global <see cref="AgentOptions.RetryAttempts"/>, <see cref="AgentOptions.RetryDelay"/> and doubling.
/// </summary>
public sealed class RetrySettings
{
    /// <summary>Extra attempts after the first; 0 turns retries off for the category.</summary>
    public int? Attempts { get; set; }

    /// <summary>Wait before the first retry.</summary>
    public TimeSpan? Delay { get; set; }

    /// <summary>Factor the wait grows by after each retry (1 = constant, 2 = doubling).</summary>
    public double? Backoff { get; set; }
}
