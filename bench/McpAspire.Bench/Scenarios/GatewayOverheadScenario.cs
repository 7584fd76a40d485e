using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using McpAspire.Gateway;
using McpAspire.ToolHost.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace McpAspire.Bench.Scenarios;

/// <summary>
/// <c>gateway-overhead</c>: stateless (2026-07-28) <c>tools/call</c> of the tool host's echo through the gateway vs
/// directly to the tool host, 64 concurrent callers and then one caller (the added latency without queueing), in one
/// run (the gateway forwards them to the tool host as 2026-07-28 requests, bytes relayed); also through a gateway with
/// that forwarding off (every call on its 2025-11-25 downstream session through the SDK client), to show what the
/// forwarding saves, and through a bare HTTP relay (the floor of any gateway on this machine); then <c>tools/list</c> answered from the gateway's catalog. Tool host, gateways and load
/// generator share this process (and the machine's two cores).
/// </summary>
public sealed class GatewayOverheadScenario : IScenario
{
    private const string Name_ = "gateway-overhead";
    private const int Callers = 64;
    private static readonly MediaTypeHeaderValue s_json = new("application/json");

    public string Name => Name_;

    public async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var seconds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 8;
        var duration = TimeSpan.FromSeconds(seconds);
        var toolHost = ToolHostApp.Build(["--urls", "http://127.0.0.1:0"], b => b.Logging.ClearProviders());
        await toolHost.StartAsync(cancellationToken);
        var toolHostUri = BenchApps.BaseAddress(toolHost);
        var gateway = await StartGatewayAsync(toolHostUri, statelessForwarding: true, cancellationToken);
        // The same gateway with every call on its downstream session (the SDK client and server objects per call).
        var sessionGateway = await StartGatewayAsync(toolHostUri, statelessForwarding: false, cancellationToken);
        var gatewayUri = BenchApps.BaseAddress(gateway);
        var sessionGatewayUri = BenchApps.BaseAddress(sessionGateway);
        // The floor of any gateway here: a bare HTTP relay (no MCP, no auth, no middleware) in front of the tool host.
        var relay = await StartBareRelayAsync(new Uri(toolHostUri, "mcp"), cancellationToken);
        var relayUri = BenchApps.BaseAddress(relay);
        long errors = 0;
        try
        {
            using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = Callers, PooledConnectionLifetime = Timeout.InfiniteTimeSpan };
            using var http = new HttpClient(handler);
            await BenchApps.WaitForConnectedDownstreamAsync(http, gatewayUri, cancellationToken);
            await BenchApps.WaitForConnectedDownstreamAsync(http, sessionGatewayUri, cancellationToken);

            var call = Encoding.UTF8.GetBytes("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo","arguments":{"message":"bench"},"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{},"io.modelcontextprotocol/clientInfo":{"name":"bench","version":"1"}}}}""");
            var list = Encoding.UTF8.GetBytes("""{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{},"io.modelcontextprotocol/clientInfo":{"name":"bench","version":"1"}}}}""");

            Task Direct(int _, CancellationToken ct) => SendAsync(http, new Uri(toolHostUri, "mcp"), call, "tools/call", "echo", ct);
            Task Through(int _, CancellationToken ct) => SendAsync(http, new Uri(gatewayUri, "mcp"), call, "tools/call", "echo", ct);
            Task ThroughSession(int _, CancellationToken ct) => SendAsync(http, new Uri(sessionGatewayUri, "mcp"), call, "tools/call", "echo", ct);
            Task ThroughBareRelay(int _, CancellationToken ct) => SendAsync(http, new Uri(relayUri, "mcp"), call, "tools/call", "echo", ct);
            // Everything shares one process and two cores, and its state drifts while it runs (heap size, tiered JIT
            // with PGO, which takes some 15 s of load per path to settle on two busy cores): direct and gateway runs
            // alternate over three rounds (each warmed by LoadLoop) and each keeps its best round, so neither order nor
            // drift nor warm-up favours a side.
            var measured = await LoadLoop.AlternateAsync(Callers, duration, 3, [Direct, Through, ThroughSession, ThroughBareRelay], cancellationToken);
            errors += measured.Sum(m => m.Errors);
            var (direct, through, throughSession, throughRelay) = (measured[0].Best, measured[1].Best, measured[2].Best, measured[3].Best);
            var worstDirect = measured[0].Worst;
            // One caller: the added latency without queueing for the shared cores (the gateway's own cost per call).
            var directAlone = await LoadLoop.RunAsync(1, duration, (_, ct) => SendAsync(http, new Uri(toolHostUri, "mcp"), call, "tools/call", "echo", ct), cancellationToken);
            var throughAlone = await LoadLoop.RunAsync(1, duration, (_, ct) => SendAsync(http, new Uri(gatewayUri, "mcp"), call, "tools/call", "echo", ct), cancellationToken);
            var listing = await LoadLoop.RunAsync(Callers, duration, (_, ct) => SendAsync(http, new Uri(gatewayUri, "mcp"), list, "tools/list", null, ct), cancellationToken);

            BenchResult.Report(Name_, "tools_call_via_gateway_per_s", through.PerSecond, "calls/s", direct.PerSecond);
            BenchResult.Report(Name_, "tools_call_direct_per_s", direct.PerSecond, "calls/s");
            BenchResult.Report(Name_, "tools_call_direct_per_s_worst_round", worstDirect.PerSecond, "calls/s", direct.PerSecond);
            BenchResult.Report(Name_, "user_cpu_per_call_via_gateway", through.UserCpuMicrosecondsPerOperation, "us", direct.UserCpuMicrosecondsPerOperation);
            BenchResult.Report(Name_, "kernel_cpu_per_call_via_gateway", through.KernelCpuMicrosecondsPerOperation, "us", direct.KernelCpuMicrosecondsPerOperation);
            BenchResult.Report(Name_, "tools_call_via_gateway_p50", through.P50Ms, "ms", direct.P50Ms);
            BenchResult.Report(Name_, "tools_call_via_gateway_p99", through.P99Ms, "ms", direct.P99Ms);
            BenchResult.Report(Name_, "added_p50_latency", through.P50Ms - direct.P50Ms, "ms");
            BenchResult.Report(Name_, "allocated_per_call_via_gateway", through.AllocatedBytesPerOperation / 1024, "KiB", direct.AllocatedBytesPerOperation / 1024);
            BenchResult.Report(Name_, "tools_call_via_bare_http_relay_per_s", throughRelay.PerSecond, "calls/s", direct.PerSecond);
            BenchResult.Report(Name_, "tools_call_via_bare_http_relay_p50", throughRelay.P50Ms, "ms", direct.P50Ms);
            BenchResult.Report(Name_, "cpu_per_call_via_bare_http_relay", throughRelay.UserCpuMicrosecondsPerOperation + throughRelay.KernelCpuMicrosecondsPerOperation, "us",
                direct.UserCpuMicrosecondsPerOperation + direct.KernelCpuMicrosecondsPerOperation);
            BenchResult.Report(Name_, "kernel_cpu_per_call_via_bare_http_relay", throughRelay.KernelCpuMicrosecondsPerOperation, "us", direct.KernelCpuMicrosecondsPerOperation);
            BenchResult.Report(Name_, "tools_call_via_gateway_session_path_per_s", throughSession.PerSecond, "calls/s", direct.PerSecond);
            BenchResult.Report(Name_, "forwarding_speedup", through.PerSecond, "calls/s", throughSession.PerSecond);
            BenchResult.Report(Name_, "tools_call_via_gateway_session_path_p50", throughSession.P50Ms, "ms", direct.P50Ms);
            BenchResult.Report(Name_, "cpu_per_call_via_gateway_session_path", throughSession.UserCpuMicrosecondsPerOperation + throughSession.KernelCpuMicrosecondsPerOperation, "us",
                through.UserCpuMicrosecondsPerOperation + through.KernelCpuMicrosecondsPerOperation);
            BenchResult.Report(Name_, "allocated_per_call_via_gateway_session_path", throughSession.AllocatedBytesPerOperation / 1024, "KiB", direct.AllocatedBytesPerOperation / 1024);
            BenchResult.Report(Name_, "tools_call_via_gateway_p50_1_caller", throughAlone.P50Ms, "ms", directAlone.P50Ms);
            BenchResult.Report(Name_, "tools_call_via_gateway_p99_1_caller", throughAlone.P99Ms, "ms", directAlone.P99Ms);
            BenchResult.Report(Name_, "added_p50_latency_1_caller", throughAlone.P50Ms - directAlone.P50Ms, "ms");
            // Everything in this process allocates (load generator, gateway, tool host): the difference is the gateway's hop.
            BenchResult.Report(Name_, "allocated_per_call_via_gateway_1_caller", throughAlone.AllocatedBytesPerOperation / 1024, "KiB", directAlone.AllocatedBytesPerOperation / 1024);
            BenchResult.Report(Name_, "tools_list_from_catalog_per_s", listing.PerSecond, "lists/s");
            BenchResult.Report(Name_, "tools_list_from_catalog_p99", listing.P99Ms, "ms");
            errors += directAlone.Errors + throughAlone.Errors + listing.Errors;
        }
        finally
        {
            foreach (var app in new[] { gateway, sessionGateway, relay })
            {
                await app.StopAsync(CancellationToken.None);
                await app.DisposeAsync();
            }
            await toolHost.StopAsync(CancellationToken.None);
            await toolHost.DisposeAsync();
        }
        BenchResult.ReportFooter(Name_, errors);
        return 0;
    }

    private static async Task<WebApplication> StartGatewayAsync(Uri toolHostUri, bool statelessForwarding, CancellationToken cancellationToken)
    {
        var gateway = GatewayApp.Build(["--urls", "http://127.0.0.1:0"], b =>
        {
            b.Logging.ClearProviders();
            b.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Gateway:Servers:toolhost:Url"] = new Uri(toolHostUri, "mcp").ToString(),
                ["Gateway:Servers:toolhost:StatelessForwarding"] = statelessForwarding ? "true" : "false",
                ["Gateway:PrefixMode"] = "Never",
                ["Gateway:Auth:AllowAnonymous"] = "true",
            });
        });
        await gateway.StartAsync(cancellationToken);
        return gateway;
    }

    /// <summary>
    /// POST /mcp relayed to the tool host with a plain HttpClient: the least any HTTP hop costs on this machine (one
    /// more Kestrel request, one more client request, two more loopback TCP exchanges).
    /// </summary>
    private static async Task<WebApplication> StartBareRelayAsync(Uri target, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder(["--urls", "http://127.0.0.1:0"]);
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var client = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = Timeout.InfiniteTimeSpan });
        app.Lifetime.ApplicationStopped.Register(client.Dispose);
        string[] forwarded = ["Accept", "MCP-Protocol-Version", "Mcp-Method", "Mcp-Name"];
        app.MapPost("/mcp", async context =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, target) { Content = new StreamContent(context.Request.Body) };
            request.Content.Headers.ContentType = s_json;
            foreach (var header in forwarded)
            {
                request.Headers.TryAddWithoutValidation(header, context.Request.Headers[header].ToString());
            }
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, context.RequestAborted);
            context.Response.StatusCode = (int)response.StatusCode;
            context.Response.ContentType = response.Content.Headers.ContentType?.ToString();
            await response.Content.CopyToAsync(context.Response.Body, context.RequestAborted);
        });
        await app.StartAsync(cancellationToken);
        return app;
    }


    private static async Task SendAsync(HttpClient http, Uri uri, byte[] body, string method, string? name, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = s_json;
        request.Headers.TryAddWithoutValidation("Accept", "application/json, text/event-stream");
        request.Headers.TryAddWithoutValidation("MCP-Protocol-Version", "2026-07-28");
        request.Headers.TryAddWithoutValidation("Mcp-Method", method);
        if (name is not null)
        {
            request.Headers.TryAddWithoutValidation("Mcp-Name", name);
        }
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, ct).ConfigureAwait(false);
        var text = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode || !text.Contains("\"result\"", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"{method} answered {(int)response.StatusCode}: {text}");
        }
    }
}
