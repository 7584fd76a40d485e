using System.ComponentModel.DataAnnotations;

namespace McpAspire.Mcp.Distributed.Hosting;

/// <summary>Settings of the state service session and event stores (configuration section <c>Mcp:StateStore</c>).</summary>
public sealed class StateServiceMcpStoreOptions
{
    /// <summary>The configuration section bound to these options.</summary>
    public const string SectionName = "Mcp:StateStore";

    /// <summary>
    /// The state service principal every MCP session is stored under. The store interface carries no caller, so the
    /// endpoint owns the sessions as one service principal and compares the record's user id itself (403 on mismatch).
    /// Give each MCP service its own principal so their sessions stay apart.
    /// </summary>
    [Required]
    [RegularExpression("^[A-Za-z0-9._@:+=/-]{1,256}$")]
    public string Principal { get; set; } = "mcp-endpoint";

    /// <summary>Base address of the state service (service discovery name by default).</summary>
    [Required]
    public string BaseAddress { get; set; } = "https+http://statesvc";

    /// <summary>
    /// Upper bound of one state service call. Past it the call counts as "store unavailable" and the MCP request gets
    /// 503 instead of waiting; change streams are not limited by it once open.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(5);
}
