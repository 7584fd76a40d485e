using System.ComponentModel;
using ModelContextProtocol.Server;

namespace McpAspire.ToolHost.Tools;

/// <summary>The trivial tool benchmarks and smoke tests call.</summary>
[McpServerToolType]
public sealed class EchoTool
{
    /// <summary>Returns the message unchanged.</summary>
    [McpServerTool(Name = "echo", ReadOnly = true, Idempotent = true, OpenWorld = false)]
    [Description("Returns the given message unchanged.")]
    public static string Echo([Description("The text to echo back.")] string message) => message;
}
