using System.ComponentModel;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace McpAspire.Mcp.Tests.Infrastructure;

[McpServerToolType]
public sealed class TestTools
{
    [McpServerTool(Name = "echo"), Description("Echoes the message.")]
    public static string Echo(string message) => message;

    [McpServerTool(Name = "routed"), Description("Has an argument mirrored into the Mcp-Param-Region header (SEP-2243).")]
    public static string Routed([McpHeader("Region")] string region, string query) => $"{region}:{query}";

    [McpServerTool(Name = "progress"), Description("Reports progress twice, then returns 'done'.")]
    public static async Task<string> Progress(McpServer server, RequestContext<CallToolRequestParams> context, CancellationToken cancellationToken)
    {
        if (context.Params?.ProgressToken is not { } token)
        {
            return "no progress token";
        }
        for (var i = 1; i <= 2; i++)
        {
            await server.NotifyProgressAsync(token, new ModelContextProtocol.ProgressNotificationValue { Progress = i, Total = 2 }, cancellationToken: cancellationToken);
        }
        return "done";
    }

    [McpServerTool(Name = "gated"), Description("Reports progress, waits for the test's gate, returns 'released'.")]
    public static async Task<string> Gated(McpServer server, RequestContext<CallToolRequestParams> context, TestGate gate, CancellationToken cancellationToken)
    {
        if (context.Params?.ProgressToken is { } token)
        {
            await server.NotifyProgressAsync(token, new ModelContextProtocol.ProgressNotificationValue { Progress = 1, Total = 2 }, cancellationToken: cancellationToken);
        }
        await gate.PassAsync(cancellationToken);
        return "released";
    }
}
