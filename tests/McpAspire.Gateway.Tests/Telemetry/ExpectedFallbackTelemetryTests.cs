using System.Collections.Concurrent;
using System.Diagnostics;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

// Roots is deprecated in 2026-07-28; 2025-era clients still offer it, and that is what gets a dedicated session.
#pragma warning disable MCP9005

namespace McpAspire.Gateway.Tests.Telemetry;

/// <summary>
/// The gateway's outbound HTTP spans as the dashboard shows them: when a request makes the gateway open a downstream
/// session (a dedicated one for a 2025 client that offers roots) to a legacy HTTP+SSE server found by auto-detection,
/// the Streamable HTTP attempt answered 404 is the expected fallback, not an error in the request's trace; the calls
/// that follow are recorded as usual.
/// </summary>
public sealed class ExpectedFallbackTelemetryTests
{
    private static readonly string Script = NodePeers.PackageFile("@modelcontextprotocol/server-everything", "dist/index.js");

    [Fact]
    public async Task Auto_detection_fallback_inside_a_request_trace_is_not_an_error()
    {
        var port = FreePort.Next();
        var stopped = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == "System.Net.Http",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a =>
            {
                if (a.GetTagItem("url.full") is string url && url.StartsWith($"http://127.0.0.1:{port}/", StringComparison.Ordinal))
                {
                    stopped.Enqueue(a);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);

        await using var sse = await NodeServerProcess.StartAsync(Script, ["sse"], port,
            new Dictionary<string, string> { ["PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        var settings = Downstreams.Http("legacy", new Uri($"http://127.0.0.1:{port}/sse"));
        // Tracing is on only when an OTLP endpoint is configured (as under Aspire); nothing needs to listen there.
        settings["OTEL_EXPORTER_OTLP_ENDPOINT"] = $"http://127.0.0.1:{FreePort.Next()}";
        await using var gateway = await RunningApp.GatewayAsync(settings);
        await Eventually.HoldsAsync(async () => await gateway.DownstreamStatusAsync("legacy") == "connected", "connected to the SSE server by auto-detection", 60);

        // A client that offers roots gets its own downstream session, opened inside its first call's trace.
        await using var client = await GatewayFixture.ConnectAsync(gateway.McpUri, "2025-11-25", new McpClientOptions
        {
            Capabilities = new ClientCapabilities { Roots = new RootsCapability() },
        });
        var result = await client.CallToolAsync("echo", new Dictionary<string, object?> { ["message"] = "traced" });
        Assert.Contains("traced", string.Join("", result.Content.OfType<TextContentBlock>().Select(c => c.Text)), StringComparison.Ordinal);
        Assert.Equal(1, (await gateway.StatsAsync()).GetProperty("servers").EnumerateArray()
            .Single(s => s.GetProperty("name").GetString() == "legacy").GetProperty("dedicatedSessions").GetInt32());

        // The dedicated session's Streamable HTTP attempt: in a request's trace, answered 404, and not an error.
        var inTrace = stopped.Where(a => a.ParentId is not null).ToList();
        var attempt = Assert.Single(inTrace, a => "POST".Equals(a.GetTagItem("http.request.method")) && a.GetTagItem("url.full") is string u && u.EndsWith("/sse", StringComparison.Ordinal));
        Assert.Equal(404, Convert.ToInt32(attempt.GetTagItem("http.response.status_code"), System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(ActivityStatusCode.Unset, attempt.Status);
        Assert.Null(attempt.GetTagItem("error.type"));
        // Its SSE fallback and the call's message went through in the same trace, without errors.
        Assert.Contains(inTrace, a => "GET".Equals(a.GetTagItem("http.request.method")) && a.TraceId == attempt.TraceId);
        Assert.DoesNotContain(inTrace, a => a.Status == ActivityStatusCode.Error);
    }
}
