using System.ComponentModel.DataAnnotations;

namespace McpAspire.ToolHost.Hosting;

/// <summary>Tool host settings (configuration section <c>ToolHost</c>).</summary>
public sealed class ToolHostOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "ToolHost";

    /// <summary>The default profile: the tool host's own tools.</summary>
    public const string DefaultProfile = "default";

    /// <summary>Adds the fixtures of the official MCP conformance suite.</summary>
    public const string ConformanceProfile = "conformance";

    /// <summary><c>default</c> or <c>conformance</c>.</summary>
    [Required]
    [RegularExpression("^(default|conformance)$", ErrorMessage = "ToolHost:Profile must be 'default' or 'conformance'.")]
    public string Profile { get; set; } = DefaultProfile;

    /// <summary>Sessions and events kept in this process (one replica).</summary>
    public const string MemorySessionStore = "memory";

    /// <summary>Sessions and events kept in the state service (<c>Mcp:StateStore</c>), so replicas share 2025-era sessions.</summary>
    public const string StateSessionStore = "state";

    /// <summary><c>memory</c> or <c>state</c>.</summary>
    [Required]
    [RegularExpression("^(memory|state)$", ErrorMessage = "ToolHost:SessionStore must be 'memory' or 'state'.")]
    public string SessionStore { get; set; } = MemorySessionStore;

    /// <summary>Path of the MCP endpoint.</summary>
    [Required]
    [RegularExpression("^/.*", ErrorMessage = "ToolHost:McpPath must start with '/'.")]
    public string McpPath { get; set; } = "/mcp";

    /// <summary>
    /// How long the SSE events of 2025-era sessions (and their streams' metadata) stay in memory for resumption with
    /// Last-Event-ID (the SDK keeps them 30 min to 4 h): memory is about call rate × this, so the default is 2 min.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:05", "1.00:00:00")]
    public TimeSpan EventRetention { get; set; } = TimeSpan.FromMinutes(2);
}
