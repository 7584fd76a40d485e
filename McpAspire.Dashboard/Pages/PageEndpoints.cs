using System.Net;
using McpAspire.Dashboard.Configuration;
using Microsoft.Extensions.Options;

namespace McpAspire.Dashboard.Pages;

/// <summary>
/// Server-rendered pages: the shell, filters and placeholders are HTML from here; <c>dashboard.js</c> fills them from
/// the JSON API and keeps them live over server-sent events (no build step, no framework).
/// </summary>
public static class PageEndpoints
{
    private const string Html = "text/html; charset=utf-8";

    /// <summary>Maps the pages.</summary>
    public static void Map(IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);

        endpoints.MapGet("/", (IOptions<ResourceServiceOptions> rs) =>
        {
            var body = rs.Value.IsConfigured
                ? """
                  <h1>Resources</h1>
                  <p><span id="status" class="muted">Connecting to the resource service…</span> <span id="command-status" role="status"></span></p>
                  <table class="grid" id="resources"><thead><tr><th>Name</th><th>Type</th><th>State</th><th>Health</th><th>Started</th><th>Replicas</th><th>Endpoints</th><th>Actions</th></tr></thead><tbody></tbody></table>
                  """
                : """
                  <h1>Resources</h1>
                  <p id="status" class="notice">No resource service is configured (<code>ResourceService__Url</code> is not set), so resources are not shown. Telemetry (structured logs, traces, metrics) is received as usual.</p>
                  <h2>Seen in telemetry</h2>
                  <table class="grid" id="telemetry-resources"><thead><tr><th>Service</th><th>Instances</th><th>Telemetry</th></tr></thead><tbody></tbody></table>
                  """;
            return Results.Content(PageLayout.Render("Resources", "resources", body,
                new Dictionary<string, string?> { ["resource-service"] = rs.Value.IsConfigured ? "true" : "false" }), Html);
        });

        endpoints.MapGet("/consolelogs", (string? resource, IOptions<ResourceServiceOptions> rs) =>
        {
            var body = rs.Value.IsConfigured
                ? """
                  <h1>Console logs</h1>
                  <div class="filters"><label>Resource <select id="resource"></select></label>
                  <label><input type="checkbox" id="follow" checked> Follow</label><span id="status" class="muted"></span></div>
                  <pre id="console" class="console" aria-live="polite"></pre>
                  """
                : """
                  <h1>Console logs</h1>
                  <p id="status" class="notice">No resource service is configured (<code>ResourceService__Url</code> is not set), so console logs are not available.</p>
                  """;
            return Results.Content(PageLayout.Render("Console logs", "consolelogs", body, new Dictionary<string, string?>
            {
                ["resource-service"] = rs.Value.IsConfigured ? "true" : "false",
                ["resource"] = resource,
            }), Html);
        });

        endpoints.MapGet("/structuredlogs", (string? resource, string? level, string? text, string? traceId) =>
        {
            var body = $"""
                <h1>Structured logs</h1>
                <form class="filters" id="filters">
                  <label>Resource <select id="resource" name="resource" data-value="{Enc(resource)}"><option value="">(all)</option></select></label>
                  <label>Level <select id="level" name="level">{LevelOptions(level)}</select></label>
                  <label>Text <input type="search" id="text" name="text" value="{Enc(text)}" placeholder="message, category or attribute"></label>
                  <label>Trace <input type="search" id="traceId" name="traceId" value="{Enc(traceId)}" placeholder="trace id"></label>
                  <span id="status" class="muted"></span>
                </form>
                <table class="grid" id="logs"><thead><tr><th>Time</th><th>Resource</th><th>Level</th><th>Message</th><th>Category</th><th>Trace</th></tr></thead><tbody></tbody></table>
                <aside id="detail" class="detail" hidden></aside>
                """;
            return Results.Content(PageLayout.Render("Structured logs", "structuredlogs", body, null), Html);
        });

        endpoints.MapGet("/traces", (string? resource, string? text, string? errorsOnly, string? minDurationMs) =>
        {
            var body = $"""
                <h1>Traces</h1>
                <form class="filters" id="filters">
                  <label>Resource <select id="resource" name="resource" data-value="{Enc(resource)}"><option value="">(all)</option></select></label>
                  <label>Text <input type="search" id="text" name="text" value="{Enc(text)}" placeholder="span name, attribute or trace id"></label>
                  <label>Min duration (ms) <input type="number" min="0" id="minDurationMs" name="minDurationMs" value="{Enc(minDurationMs)}"></label>
                  <label><input type="checkbox" id="errorsOnly" name="errorsOnly" value="true"{(errorsOnly == "true" ? " checked" : "")}> Errors only</label>
                  <span id="status" class="muted"></span>
                </form>
                <table class="grid" id="traces"><thead><tr><th>Time</th><th>Name</th><th>Resources</th><th>Spans</th><th>Duration</th><th>Status</th></tr></thead><tbody></tbody></table>
                """;
            return Results.Content(PageLayout.Render("Traces", "traces", body, null), Html);
        });

        endpoints.MapGet("/traces/{traceId}", (string traceId) =>
        {
            var body = $"""
                <p><a href="/traces">← Traces</a></p>
                <h1 id="title">Trace <code>{Enc(traceId)}</code></h1>
                <p id="summary" class="muted">Loading…</p>
                <div id="waterfall" class="waterfall"></div>
                <aside id="detail" class="detail" hidden></aside>
                <h2>Logs of this trace</h2>
                <div id="trace-logs"></div>
                <p><a href="/structuredlogs?traceId={Enc(traceId)}">Open in structured logs</a></p>
                """;
            return Results.Content(PageLayout.Render("Trace", "trace", body, new Dictionary<string, string?> { ["trace-id"] = traceId }), Html);
        });

        endpoints.MapGet("/metrics", (string? resource, string? name, string? scope) =>
        {
            var body = $"""
                <h1>Metrics</h1>
                <div class="filters"><label>Resource <select id="resource" data-value="{Enc(resource)}"></select></label><span id="status" class="muted"></span></div>
                <div class="split">
                  <ul id="instruments" class="instruments"></ul>
                  <section id="chart-panel" class="chart-panel"><p class="muted">Choose an instrument.</p></section>
                </div>
                """;
            return Results.Content(PageLayout.Render("Metrics", "metrics", body, new Dictionary<string, string?>
            {
                ["instrument"] = name,
                ["scope"] = scope,
            }), Html);
        });
    }

    private static string Enc(string? value) => WebUtility.HtmlEncode(value ?? "");

    private static string LevelOptions(string? selected)
    {
        var options = new System.Text.StringBuilder("<option value=\"\">(all)</option>");
        foreach (var name in Telemetry.LogLevels.Names)
        {
            options.Append("<option value=\"").Append(name).Append('"')
                .Append(string.Equals(name, selected, StringComparison.OrdinalIgnoreCase) ? " selected" : "")
                .Append(">≥ ").Append(name).Append("</option>");
        }
        return options.ToString();
    }
}
