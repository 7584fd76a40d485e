using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using McpAspire.Gateway;
using McpAspire.ToolHost.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Yarp.ReverseProxy.Forwarder;

namespace McpAspire.Bench.Scenarios;

/// <summary>
/// <c>gateway-overhead</c>: <c>tools/call</c> of the tool host's echo, in one run, alternating: directly to the tool host;
/// through a bare relay on YARP's <see cref="IHttpForwarder"/> (nothing else: no auth, no MCP: the best relay .NET has,
/// the yardstick); through the gateway as a 2026-07-28 stateless call (forwarded to the tool host as bytes); through
/// the gateway on a 2025-11-25 session (one per caller); and through a gateway with the 2026 forwarding off (every call
/// on its downstream session through the SDK client, to show what forwarding saves). At 64 callers and at one caller
/// (the added latency without queueing): throughput, p50/p99, CPU and allocations per call. Then <c>tools/list</c>
/// answered from the gateway's catalog. Tool host, relay, gateways and load generator share this process (and the
/// machine's two cores). Args: [seconds=8] [--only LABEL] (one path, one round: to profile it).
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
        // The yardstick: YARP's forwarder in front of the tool host, nothing else.
        var relay = await StartYarpRelayAsync(toolHostUri, cancellationToken);
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

            var directUri = new Uri(toolHostUri, "mcp");
            var throughUri = new Uri(gatewayUri, "mcp");
            var sessions = new string[Callers];
            for (var i = 0; i < Callers; i++)
            {
                sessions[i] = await SessionRequests.InitializeAsync(http, throughUri, cancellationToken);
            }
            var sessionCall = Encoding.UTF8.GetBytes("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo","arguments":{"message":"bench"}}}""");
            Task Direct(int _, CancellationToken ct) => SendAsync(http, directUri, call, "tools/call", "echo", ct);
            Task Through(int _, CancellationToken ct) => SendAsync(http, throughUri, call, "tools/call", "echo", ct);
            Task ThroughSession(int i, CancellationToken ct) => SendOnSessionAsync(http, throughUri, sessionCall, sessions[i], ct);
            Task ThroughForwardingOff(int _, CancellationToken ct) => SendAsync(http, new Uri(sessionGatewayUri, "mcp"), call, "tools/call", "echo", ct);
            Task ThroughRelay(int _, CancellationToken ct) => SendAsync(http, new Uri(relayUri, "mcp"), call, "tools/call", "echo", ct);
            // Everything shares one process and two cores, and its state drifts while it runs (heap size, tiered JIT
            // with PGO, which takes some 15 s of load per path to settle on two busy cores): the paths alternate over
            // rounds (each warmed by LoadLoop) and each keeps its best round, so neither order nor drift nor warm-up
            // favours a side.
            string[] labels = ["direct", "relay", "gateway_2026", "gateway_2025_session", "gateway_forwarding_off"];
            // --only LABEL: that path alone, one round at 64 callers (to profile it).
            if (Array.IndexOf(args, "--only") is var at and >= 0 && at + 1 < args.Length)
            {
                Func<int, CancellationToken, Task>[] paths = [Direct, ThroughRelay, Through, ThroughSession, ThroughForwardingOff];
                var only = await LoadLoop.RunAsync(Callers, duration, paths[Array.IndexOf(labels, args[at + 1])], cancellationToken);
                BenchResult.Report(Name_, $"{args[at + 1]}_{Callers}_calls_per_s", only.PerSecond, "calls/s");
                BenchResult.Report(Name_, $"{args[at + 1]}_{Callers}_cpu_per_call", only.UserCpuMicrosecondsPerOperation + only.KernelCpuMicrosecondsPerOperation, "us");
                BenchResult.Report(Name_, $"{args[at + 1]}_{Callers}_allocated_per_call", only.AllocatedBytesPerOperation / 1024, "KiB");
                return 0;
            }
            var many = await LoadLoop.AlternateAsync(Callers, duration, 3, [Direct, ThroughRelay, Through, ThroughSession, ThroughForwardingOff], cancellationToken);
            var one = await LoadLoop.AlternateAsync(1, duration, 2, [Direct, ThroughRelay, Through, ThroughSession], cancellationToken);
            var listing = await LoadLoop.RunAsync(Callers, duration, (_, ct) => SendAsync(http, throughUri, list, "tools/list", null, ct), cancellationToken);
            errors += many.Sum(m => m.Errors) + one.Sum(m => m.Errors) + listing.Errors;

            foreach (var (rounds, callers) in new[] { (many, Callers), (one, 1) })
            {
                for (var p = 0; p < rounds.Length; p++)
                {
                    var best = rounds[p].Best;
                    var label = $"{labels[p]}_{callers}";
                    BenchResult.Report(Name_, $"{label}_calls_per_s", best.PerSecond, "calls/s");
                    BenchResult.Report(Name_, $"{label}_p50", best.P50Ms, "ms");
                    BenchResult.Report(Name_, $"{label}_p99", best.P99Ms, "ms");
                    BenchResult.Report(Name_, $"{label}_cpu_per_call", best.UserCpuMicrosecondsPerOperation + best.KernelCpuMicrosecondsPerOperation, "us");
                    // Everything in this process allocates (load generator, relay, gateway, tool host): compare paths.
                    BenchResult.Report(Name_, $"{label}_allocated_per_call", best.AllocatedBytesPerOperation / 1024, "KiB");
                }
            }
            var (direct64, relay64, gateway64, session64, off64) = (many[0].Best, many[1].Best, many[2].Best, many[3].Best, many[4].Best);
            var (direct1, relay1, gateway1, session1) = (one[0].Best, one[1].Best, one[2].Best, one[3].Best);
            // The goals (issue 17): ratio = gateway / yardstick.
            BenchResult.Report(Name_, "gateway_2026_vs_relay_64", gateway64.PerSecond, "calls/s", relay64.PerSecond);
            BenchResult.Report(Name_, "gateway_2026_p50_minus_relay_64", gateway64.P50Ms - relay64.P50Ms, "ms");
            BenchResult.Report(Name_, "gateway_2026_p50_minus_direct_1", gateway1.P50Ms - direct1.P50Ms, "ms");
            BenchResult.Report(Name_, "relay_p50_minus_direct_1", relay1.P50Ms - direct1.P50Ms, "ms");
            BenchResult.Report(Name_, "gateway_2025_session_vs_2026_64", session64.PerSecond, "calls/s", gateway64.PerSecond);
            BenchResult.Report(Name_, "gateway_2025_session_p50_minus_direct_1", session1.P50Ms - direct1.P50Ms, "ms");
            BenchResult.Report(Name_, "relay_vs_direct_64", relay64.PerSecond, "calls/s", direct64.PerSecond);
            BenchResult.Report(Name_, "forwarding_speedup_64", gateway64.PerSecond, "calls/s", off64.PerSecond);
            BenchResult.Report(Name_, "tools_list_from_catalog_per_s", listing.PerSecond, "lists/s");
            BenchResult.Report(Name_, "tools_list_from_catalog_p99", listing.P99Ms, "ms");
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
    /// YARP's direct forwarding (<see cref="IHttpForwarder"/> with the default transformer and the client settings its
    /// documentation gives): every request to the tool host, nothing else in the pipeline.
    /// </summary>
    private static async Task<WebApplication> StartYarpRelayAsync(Uri toolHost, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder(["--urls", "http://127.0.0.1:0"]);
        builder.Logging.ClearProviders();
        builder.Services.AddHttpForwarder();
        var app = builder.Build();
        var invoker = new HttpMessageInvoker(new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            ConnectTimeout = TimeSpan.FromSeconds(15),
        });
        app.Lifetime.ApplicationStopped.Register(invoker.Dispose);
        var destination = toolHost.GetLeftPart(UriPartial.Authority);
        var config = new ForwarderRequestConfig { ActivityTimeout = TimeSpan.FromSeconds(100) };
        var forwarder = app.Services.GetRequiredService<IHttpForwarder>();
        app.Map("/mcp", async context =>
        {
            var error = await forwarder.SendAsync(context, destination, invoker, config, HttpTransformer.Default);
            if (error != ForwarderError.None && !context.Response.HasStarted)
            {
                context.Response.StatusCode = StatusCodes.Status502BadGateway;
            }
        });
        await app.StartAsync(cancellationToken);
        return app;
    }

    private static async Task SendOnSessionAsync(HttpClient http, Uri uri, byte[] body, string sessionId, CancellationToken ct)
    {
        using var request = SessionRequests.Post(uri, body, sessionId);
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, ct).ConfigureAwait(false);
        var text = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode || !text.Contains("\"result\"", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"session tools/call answered {(int)response.StatusCode}: {text}");
        }
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
