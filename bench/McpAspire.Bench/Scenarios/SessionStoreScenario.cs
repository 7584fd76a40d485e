using System.Globalization;
using System.Text;
using McpAspire.StateService;
using McpAspire.TestSupport;
using McpAspire.ToolHost.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace McpAspire.Bench.Scenarios;

/// <summary>
/// <c>session-store</c>: 2025-11-25 session <c>tools/call echo</c> against the tool host with the in-memory session
/// store (baseline) and in shared-session mode (<c>ToolHost:SessionStore=state</c>, McpAspire.SessionSharing: records in
/// the state service, events in a real redis-server), on one replica and round-robin over two replicas (every request
/// may land on the other one). Arguments: <c>--clients 16 --seconds 5</c>.
/// </summary>
public sealed class SessionStoreScenario : IScenario
{
    private const string Scenario = "session-store";
    private static readonly byte[] s_call = Encoding.UTF8.GetBytes("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo","arguments":{"message":"bench"}}}""");

    public string Name => Scenario;

    public async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var clients = IntArg(args, "--clients", 16);
        var seconds = IntArg(args, "--seconds", 5);
        await using var redis = await RedisServerProcess.StartAsync(RedisServerKind.Redis, cancellationToken: cancellationToken);
        var state = StateServiceApp.Build([], b =>
        {
            b.WebHost.UseUrls("http://127.0.0.1:0");
            b.Logging.ClearProviders();
            b.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:redis"] = redis.ConnectionString });
        });
        await state.StartAsync(cancellationToken);
        var apps = new List<WebApplication> { state };
        long errors = 0;
        try
        {
            var stateAddress = state.Urls.First();
            var memory = await StartToolHostAsync(apps, null, null, cancellationToken);
            var a = await StartToolHostAsync(apps, stateAddress, redis.ConnectionString, cancellationToken);
            var b = await StartToolHostAsync(apps, stateAddress, redis.ConnectionString, cancellationToken);
            using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = clients * 2, UseProxy = false };
            using var http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30) };

            var baseline = await MeasureAsync(http, clients, seconds, [memory], cancellationToken);
            var single = await MeasureAsync(http, clients, seconds, [a], cancellationToken);
            var alternating = await MeasureAsync(http, clients, seconds, [a, b], cancellationToken);
            errors = baseline.Errors + single.Errors + alternating.Errors;

            BenchResult.Report(Scenario, "memory_calls_per_sec", baseline.PerSecond, "calls/s");
            BenchResult.Report(Scenario, "memory_p50", baseline.P50Ms, "ms");
            foreach (var (label, m) in new[] { ("state_one_replica", single), ("state_two_replicas_round_robin", alternating) })
            {
                BenchResult.Report(Scenario, $"{label}_calls_per_sec", m.PerSecond, "calls/s", baseline.PerSecond);
                BenchResult.Report(Scenario, $"{label}_p50", m.P50Ms, "ms", baseline.P50Ms);
                BenchResult.Report(Scenario, $"{label}_p99", m.P99Ms, "ms", baseline.P99Ms);
            }
            BenchResult.Report(Scenario, "clients", clients, "count");
        }
        finally
        {
            foreach (var app in Enumerable.Reverse(apps))
            {
                await app.StopAsync(CancellationToken.None);
                await app.DisposeAsync();
            }
        }
        BenchResult.ReportFooter(Scenario, errors);
        return errors == 0 ? 0 : 1;
    }

    private static async Task<Uri> StartToolHostAsync(List<WebApplication> apps, string? stateAddress, string? redis, CancellationToken cancellationToken)
    {
        var app = ToolHostApp.Build(["--urls", "http://127.0.0.1:0"], b =>
        {
            b.Logging.ClearProviders();
            var settings = new Dictionary<string, string?>();
            if (stateAddress is not null)
            {
                settings["ToolHost:SessionStore"] = "state";
                settings["SessionSharing:StateBaseAddress"] = stateAddress;
                settings["ConnectionStrings:redis"] = redis;
            }
            b.Configuration.AddInMemoryCollection(settings);
        });
        await app.StartAsync(cancellationToken);
        apps.Add(app);
        return new Uri(app.Urls.First().TrimEnd('/') + "/mcp");
    }

    /// <summary>One session per client, created on the first replica; calls go round-robin over <paramref name="replicas"/>.</summary>
    private static async Task<LoadLoop.Result> MeasureAsync(HttpClient http, int clients, int seconds, Uri[] replicas, CancellationToken cancellationToken)
    {
        var sessions = await Task.WhenAll(Enumerable.Range(0, clients).Select(_ => SessionRequests.InitializeAsync(http, replicas[0], cancellationToken)));
        var turns = new int[clients];
        var result = await LoadLoop.RunAsync(clients, TimeSpan.FromSeconds(seconds), async (i, ct) =>
        {
            var target = replicas[turns[i]++ % replicas.Length];
            using var request = SessionRequests.Post(target, s_call, sessions[i]);
            using var response = await http.SendAsync(request, ct);
            var body = await response.Content.ReadAsStringAsync(ct);
            if (!response.IsSuccessStatusCode || !body.Contains("\"text\":\"bench\"", StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"{(int)response.StatusCode}: {body}");
            }
        }, cancellationToken);
        Console.Error.WriteLine($"{replicas.Length} replica(s): {result.PerSecond:F0} calls/s, p50 {result.P50Ms:F2} ms, p99 {result.P99Ms:F2} ms, errors {result.Errors}");
        return result;
    }

    private static int IntArg(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length && int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : fallback;
    }
}
