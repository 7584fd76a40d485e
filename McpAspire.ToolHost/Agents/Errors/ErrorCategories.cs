using ModelContextProtocol;
using StackExchange.Redis;

namespace McpAspire.ToolHost.Agents;

/// <summary>
/// How the tool host classifies a failure: a category (what failed) and a severity (who must act: <c>warning</c> — the
/// caller sent something it can fix; <c>error</c> — the platform failed and may recover; <c>critical</c> — a bug).
/// </summary>
public static class ErrorCategories
{
    /// <summary>A bad argument or payload (including a message type's schema).</summary>
    public const string Validation = "validation";

    /// <summary>No agent or rule could route a message.</summary>
    public const string Routing = "routing";

    /// <summary>A mailbox is full.</summary>
    public const string QueueFull = "queue_full";

    /// <summary>An agent named in the call does not exist.</summary>
    public const string UnknownAgent = "unknown_agent";

    /// <summary>The calling agent lacks the capability the change needs.</summary>
    public const string Permission = "permission";

    /// <summary>Redis refused or could not be reached.</summary>
    public const string Redis = "redis";

    /// <summary>A step did not finish in time.</summary>
    public const string Timeout = "timeout";

    /// <summary>Anything else: a defect.</summary>
    public const string Internal = "internal";

    /// <summary>Category and severity of an exception a tool call ended with.</summary>
    public static (string Category, string Severity) Classify(Exception exception) => exception switch
    {
        AgentCoordinationException coordination => (coordination.Category, "warning"),
        McpProtocolException => (Validation, "warning"),
        RedisTimeoutException or TimeoutException or OperationCanceledException => (Timeout, "error"),
        RedisException => (Redis, "error"),
        _ => (Internal, "critical"),
    };

    /// <summary>Every category, in the order reports list them.</summary>
    public static IReadOnlyList<string> All { get; } = [Validation, Routing, QueueFull, UnknownAgent, Permission, Redis, Timeout, Internal];
}
