using System.ComponentModel;
using System.Text.Json;
using Microsoft.Extensions.Options;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace McpAspire.ToolHost.Agents;

/// <summary>The error history as a tool (with filters) and a resource (the newest 100).</summary>
[McpServerToolType]
[McpServerResourceType]
internal sealed class ErrorTools
{
    /// <summary>URI of the recent-errors resource.</summary>
    public const string RecentUri = "errors://recent";

    private readonly ErrorLog _log;
    private readonly AgentOptions _options;
    private readonly TimeProvider _time;

    public ErrorTools(ErrorLog log, IOptions<AgentOptions> options, TimeProvider time)
    {
        _log = log;
        _options = options.Value;
        _time = time;
    }

    [McpServerTool(Name = "errors_list", ReadOnly = true, Idempotent = true, OpenWorld = false, UseStructuredContent = true)]
    [Description("Lists the tool host's recent errors (every replica's), newest first, classified by category (validation, routing, queue_full, unknown_agent, permission, redis, timeout, internal) and severity (warning: the caller can fix it; error: the platform failed and may recover; critical: a defect), with totals per category:severity. Filters combine.")]
    public Task<ToolErrorReport> ListAsync(
        [Description("Only errors of calls that named this agent.")] string? agentId = null,
        [Description("Only this category.")] string? category = null,
        [Description("Only this severity: warning, error or critical.")] string? severity = null,
        [Description("Only errors of the last this many seconds.")] int? sinceSeconds = null,
        [Description("Most errors to return (1-1000).")] int maxErrors = 100,
        CancellationToken cancellationToken = default)
    {
        var max = AgentInput.Range(maxErrors, 100, 1, 1000, "maxErrors");
        var since = sinceSeconds is { } s ? _time.GetUtcNow().AddSeconds(-AgentInput.Range(s, 0, 1, 365 * 24 * 3600, "sinceSeconds")) : (DateTimeOffset?)null;
        return _log.ReadAsync(agentId, category, severity, since, Math.Min(max, _options.MaxErrorHistory), cancellationToken);
    }

    [McpServerResource(UriTemplate = RecentUri, Name = "errors", Title = "Recent errors", MimeType = "application/json")]
    [Description("The 100 newest errors of the tool host with their category and severity, and the totals per category:severity.")]
    public async Task<TextResourceContents> RecentAsync(CancellationToken cancellationToken)
    {
        var report = await _log.ReadAsync(null, null, null, null, 100, cancellationToken).ConfigureAwait(false);
        return new TextResourceContents { Uri = RecentUri, MimeType = "application/json", Text = JsonSerializer.Serialize(report, AgentJsonContext.Default.ToolErrorReport) };
    }
}
