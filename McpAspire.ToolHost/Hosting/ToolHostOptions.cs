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

    /// <summary>Path of the MCP endpoint.</summary>
    [Required]
    [RegularExpression("^/.*", ErrorMessage = "ToolHost:McpPath must start with '/'.")]
    public string McpPath { get; set; } = "/mcp";
}
