using System.ComponentModel;
using System.Text.Json;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace McpAspire.ToolHost.Agents;

/// <summary>The system status as an MCP resource, with update notifications (at most one a second).</summary>
[McpServerResourceType]
internal sealed class SystemStatusResource
{
    /// <summary>The resource's URI.</summary>
    public const string Uri = "status://system";

    private readonly SystemStatusReader _reader;

    public SystemStatusResource(SystemStatusReader reader) => _reader = reader;

    [McpServerResource(UriTemplate = Uri, Name = "system-status", Title = "System status", MimeType = "application/json")]
    [Description("One view of the coordination system: Redis reachability and latency, agents active and timed out, queue depths (total, deepest, full mailboxes, oldest waiting message), message counters, compression savings and routing rule hits. Subscribe for updates (at most one a second while messages flow). Also GET /stats/system.")]
    public async Task<TextResourceContents> ReadAsync(CancellationToken cancellationToken)
    {
        var status = await _reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        return new TextResourceContents { Uri = Uri, MimeType = "application/json", Text = JsonSerializer.Serialize(status, AgentJsonContext.Default.SystemStatus) };
    }
}
