using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using McpAspire.Gateway;
using StackExchange.Redis;
using McpAspire.TestSupport;
using McpAspire.ToolHost.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace McpAspire.Bench.Scenarios;

/// <summary>
/// <c>gateway-ratelimit</c>: stateless (2026-07-28) <c>tools/call</c> of the tool host's echo through three gateways
/// in one run, 64 concurrent callers: limits off (baseline), limits on in Redis (a real redis-server; principal and
/// tool limits, so each call runs the two-bucket script once), and limits on in process. Limits are high enough never
/// to be hit; any 429 counts as an error. All 64 callers are one anonymous principal: one hot key pair, the worst case
/// for Redis contention. Also reports EVALSHA/EVAL calls per request from the server's command statistics.
/// Arguments: seconds per run (8), rounds (2; the best round of each gateway is reported).
/// </summary>
public sealed class GatewayRateLimitScenario : IScenario
{
    private const string Name_ = "gateway-ratelimit";
    private const int Callers = 64;
    private static readonly MediaTypeHeaderValue s_json = new("application/json");
    private static readonly byte[] s_call = Encoding.UTF8.GetBytes("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo","arguments":{"message":"bench"},"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{},"io.modelcontextprotocol/clientInfo":{"name":"bench","version":"1"}}}}""");

    public string Name => Name_;

    public async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var seconds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 8;
        var duration = TimeSpan.FromSeconds(seconds);
        var rounds = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 2;
        await using var redis = await RedisServerProcess.StartAsync(RedisServerKind.Redis, cancellationToken: cancellationToken);
        var toolHost = ToolHostApp.Build(["--urls", "http://127.0.0.1:0"], b => b.Logging.ClearProviders());
        await toolHost.StartAsync(cancellationToken);
        var downstream = new Uri(BenchApps.BaseAddress(toolHost), "mcp").ToString();
        var limits = new Dictionary<string, string?>
        {
            ["Gateway:RateLimits:Principal:Limit"] = "1000000000",
            ["Gateway:RateLimits:Principal:Window"] = "00:00:01",
            ["Gateway:RateLimits:Tool:Limit"] = "1000000000",
            ["Gateway:RateLimits:Tool:Window"] = "00:00:01",
        };
        var off = await StartGatewayAsync(downstream, null, cancellationToken);
        var inRedis = await StartGatewayAsync(downstream, new(limits) { ["ConnectionStrings:redis"] = redis.ConnectionString, ["Gateway:RateLimits:Store"] = "Redis" }, cancellationToken);
        var inMemory = await StartGatewayAsync(downstream, new(limits) { ["Gateway:RateLimits:Store"] = "Memory" }, cancellationToken);
        long errors = 0;
        try
        {
            using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = Callers, PooledConnectionLifetime = Timeout.InfiniteTimeSpan };
            using var http = new HttpClient(handler);
            foreach (var gateway in new[] { off, inRedis, inMemory })
            {
                await BenchApps.WaitForConnectedDownstreamAsync(http, BenchApps.BaseAddress(gateway), cancellationToken);
            }
            await using var stats = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
            var scriptCallsBefore = await ScriptCallsAsync(stats);

            // Rounds alternate the three gateways; the best round of each counts (the machine is shared and noisy).
            // CPU per call (this process: load generator, gateway and tool host) is less sensitive to the noise
            // than throughput, which closed-loop callers tie to latency, and latency here includes the scheduling
            // delay of one more process hop (redis-server) on an overloaded 2-core machine.
            var variants = new[] { new Variant(off), new Variant(inRedis), new Variant(inMemory) };
            double redisCpuSeconds = 0;
            for (var round = 0; round < rounds; round++)
            {
                foreach (var variant in variants)
                {
                    var serverCpuBefore = variant.Gateway == inRedis ? await ServerCpuSecondsAsync(stats) : 0;
                    await variant.RunAsync(http, duration, cancellationToken);
                    if (variant.Gateway == inRedis)
                    {
                        redisCpuSeconds += await ServerCpuSecondsAsync(stats) - serverCpuBefore;
                    }
                }
            }
            var scriptCalls = await ScriptCallsAsync(stats) - scriptCallsBefore;
            var (baseline, limitedRedis, limitedMemory) = (variants[0], variants[1], variants[2]);

            BenchResult.Report(Name_, "tools_call_limits_redis_per_s", limitedRedis.Best!.PerSecond, "calls/s", baseline.Best!.PerSecond);
            BenchResult.Report(Name_, "tools_call_limits_memory_per_s", limitedMemory.Best!.PerSecond, "calls/s", baseline.Best.PerSecond);
            BenchResult.Report(Name_, "tools_call_limits_off_per_s", baseline.Best.PerSecond, "calls/s");
            BenchResult.Report(Name_, "tools_call_limits_redis_p50", limitedRedis.Best.P50Ms, "ms", baseline.Best.P50Ms);
            BenchResult.Report(Name_, "tools_call_limits_redis_p99", limitedRedis.Best.P99Ms, "ms", baseline.Best.P99Ms);
            BenchResult.Report(Name_, "tools_call_limits_memory_p50", limitedMemory.Best.P50Ms, "ms", baseline.Best.P50Ms);
            BenchResult.Report(Name_, "tools_call_limits_memory_p99", limitedMemory.Best.P99Ms, "ms", baseline.Best.P99Ms);
            BenchResult.Report(Name_, "process_cpu_per_call_limits_redis", limitedRedis.CpuMicrosecondsPerCall, "us", baseline.CpuMicrosecondsPerCall);
            BenchResult.Report(Name_, "process_cpu_per_call_limits_memory", limitedMemory.CpuMicrosecondsPerCall, "us", baseline.CpuMicrosecondsPerCall);
            BenchResult.Report(Name_, "allocated_per_call_limits_redis", limitedRedis.AllocatedBytesPerCall, "bytes", baseline.AllocatedBytesPerCall);
            BenchResult.Report(Name_, "allocated_per_call_limits_memory", limitedMemory.AllocatedBytesPerCall, "bytes", baseline.AllocatedBytesPerCall);
            BenchResult.Report(Name_, "redis_server_cpu_per_call", limitedRedis.Calls == 0 ? 0 : redisCpuSeconds * 1e6 / limitedRedis.Calls, "us");
            BenchResult.Report(Name_, "redis_scripts_per_call", limitedRedis.Calls == 0 ? 0 : (double)scriptCalls / limitedRedis.Calls, "calls");
            errors = variants.Sum(v => v.Errors);
        }
        finally
        {
            foreach (var app in new[] { inMemory, inRedis, off, toolHost })
            {
                await app.StopAsync(CancellationToken.None);
                await app.DisposeAsync();
            }
        }
        BenchResult.ReportFooter(Name_, errors);
        return 0;
    }

    private static async Task<WebApplication> StartGatewayAsync(string downstream, Dictionary<string, string?>? limits, CancellationToken cancellationToken)
    {
        var settings = new Dictionary<string, string?>(limits ?? [])
        {
            ["Gateway:Servers:toolhost:Url"] = downstream,
            ["Gateway:PrefixMode"] = "Never",
            ["Gateway:Auth:AllowAnonymous"] = "true",
        };
        var gateway = GatewayApp.Build(["--urls", "http://127.0.0.1:0"], b =>
        {
            b.Logging.ClearProviders();
            b.Configuration.AddInMemoryCollection(settings);
        });
        await gateway.StartAsync(cancellationToken);
        if (limits?.ContainsKey("ConnectionStrings:redis") == true)
        {
            var redis = gateway.Services.GetRequiredService<IConnectionMultiplexer>();
            for (var i = 0; !redis.IsConnected; i++)
            {
                if (i > 300)
                {
                    throw new TimeoutException("The gateway did not connect to Redis.");
                }
                await Task.Delay(100, cancellationToken);
            }
        }
        return gateway;
    }

    /// <summary>One gateway under load: its best round, and calls and process CPU over all rounds (warm-ups included).</summary>
    private sealed class Variant(WebApplication gateway)
    {
        private readonly Uri _uri = new(BenchApps.BaseAddress(gateway), "mcp");
        private long _calls;
        private TimeSpan _cpu;
        private long _allocated;

        public WebApplication Gateway => gateway;

        public LoadLoop.Result? Best { get; private set; }

        public long Calls => Interlocked.Read(ref _calls);

        public long Errors { get; private set; }

        public double CpuMicrosecondsPerCall => Calls == 0 ? 0 : _cpu.TotalMicroseconds / Calls;

        /// <summary>Bytes allocated in this process per call (load generator, gateway and tool host together).</summary>
        public double AllocatedBytesPerCall => Calls == 0 ? 0 : (double)_allocated / Calls;

        public async Task RunAsync(HttpClient http, TimeSpan duration, CancellationToken cancellationToken)
        {
            var cpuBefore = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;
            var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
            var run = await LoadLoop.RunAsync(Callers, duration, async (_, ct) =>
            {
                Interlocked.Increment(ref _calls);
                await SendAsync(http, _uri, ct).ConfigureAwait(false);
            }, cancellationToken).ConfigureAwait(false);
            _cpu += System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
            _allocated += GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
            Errors += run.Errors;
            Best = LoadLoop.Better(Best, run);
        }
    }

    /// <summary>EVALSHA + EVAL calls the server has counted (INFO commandstats).</summary>
    private static async Task<long> ScriptCallsAsync(IConnectionMultiplexer redis)
    {
        var info = (string?)await redis.GetDatabase().ExecuteAsync("INFO", "commandstats") ?? "";
        long total = 0;
        foreach (var line in info.Split('\n'))
        {
            if (line.StartsWith("cmdstat_evalsha:", StringComparison.Ordinal) || line.StartsWith("cmdstat_eval:", StringComparison.Ordinal))
            {
                var calls = line.Split(',')[0];
                total += long.Parse(calls[(calls.IndexOf("calls=", StringComparison.Ordinal) + 6)..], CultureInfo.InvariantCulture);
            }
        }
        return total;
    }

    /// <summary>redis-server's own CPU time so far (INFO cpu: used_cpu_user + used_cpu_sys).</summary>
    private static async Task<double> ServerCpuSecondsAsync(IConnectionMultiplexer redis)
    {
        var info = (string?)await redis.GetDatabase().ExecuteAsync("INFO", "cpu") ?? "";
        double total = 0;
        foreach (var line in info.Split('\n'))
        {
            var text = line.TrimEnd('\r');
            if (text.StartsWith("used_cpu_user:", StringComparison.Ordinal) || text.StartsWith("used_cpu_sys:", StringComparison.Ordinal))
            {
                total += double.Parse(text[(text.IndexOf(':', StringComparison.Ordinal) + 1)..], CultureInfo.InvariantCulture);
            }
        }
        return total;
    }


    private static async Task SendAsync(HttpClient http, Uri uri, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = new ByteArrayContent(s_call) };
        request.Content.Headers.ContentType = s_json;
        request.Headers.TryAddWithoutValidation("Accept", "application/json, text/event-stream");
        request.Headers.TryAddWithoutValidation("MCP-Protocol-Version", "2026-07-28");
        request.Headers.TryAddWithoutValidation("Mcp-Method", "tools/call");
        request.Headers.TryAddWithoutValidation("Mcp-Name", "echo");
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, ct).ConfigureAwait(false);
        var text = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode || !text.Contains("\"result\"", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"tools/call answered {(int)response.StatusCode}: {text}");
        }
    }
}
