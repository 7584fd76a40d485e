using System.ComponentModel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ModelContextProtocol.Server;

namespace McpAspire.Chaos;

/// <summary>
/// The stdio downstream of the soak (<c>McpAspire.Chaos stdio-peer</c>): an MCP server on stdin/stdout (the SDK's
/// stdio transport) with one tool, which the gateway starts as a child from the soak's servers file.
/// </summary>
[McpServerToolType]
public static class StdioPeer
{
    /// <summary>The peer's one tool.</summary>
    public const string ToolName = "peer_echo";

    /// <summary>The servers-file entry name.</summary>
    public const string ServerName = "chaospeer";

    /// <summary>Echoes the message.</summary>
    [McpServerTool(Name = ToolName), Description("Echoes the message (the chaos soak's stdio downstream).")]
    public static string Echo([Description("Any text.")] string message) => message;

    /// <summary>Serves on stdin/stdout until stdin closes.</summary>
    public static async Task RunAsync()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddMcpServer().WithStdioServerTransport().WithTools([typeof(StdioPeer)]);
        await builder.Build().RunAsync().ConfigureAwait(false);
    }
}
