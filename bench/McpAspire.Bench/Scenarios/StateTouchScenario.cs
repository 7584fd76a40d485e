using System.Globalization;
using StackExchange.Redis;
using McpAspire.StateService;
using McpAspire.StateService.Client;
using McpAspire.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace McpAspire.Bench.Scenarios;

/// <summary>
/// <c>state-touch</c>: session touch through the HTTP API, through the typed client, and as the same Lua script sent
/// straight to Redis through StackExchange.Redis (the baseline), 64 concurrent callers each, in one run; then Redis round
/// trips per touch (INFO commandstats) and Redis memory per idle session holding 3 MCP client records (INFO memory
/// over 10,000 sessions).
/// </summary>
public sealed class StateTouchScenario : IScenario
{
    private const string Name_ = "state-touch";
    private const int Callers = 64;

    public string Name => Name_;

    public async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var seconds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 8;
        var duration = TimeSpan.FromSeconds(seconds);
        await using var redis = await RedisServerProcess.StartAsync(RedisServerKind.Redis, cancellationToken: cancellationToken);
        var app = StateServiceApp.Build([], b =>
        {
            b.WebHost.UseUrls("http://127.0.0.1:0");
            b.Logging.ClearProviders();
            b.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:redis"] = redis.ConnectionString });
        });
        await app.StartAsync(cancellationToken);
        long errors = 0;
        try
        {
            var address = new Uri(app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/");
            using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = Callers, PooledConnectionLifetime = Timeout.InfiniteTimeSpan };
            using var http = new HttpClient(handler) { BaseAddress = address };
            var client = new StateServiceClient(http);
            var muxOptions = ConfigurationOptions.Parse(redis.ConnectionString);
            Microsoft.Extensions.Hosting.RedisClientDefaults.Apply(muxOptions, Microsoft.Extensions.Hosting.RedisClientDefaults.DefaultCommandTimeout);
            await using var mux = await ConnectionMultiplexer.ConnectAsync(muxOptions);
            var db = mux.GetDatabase();

            var sessions = new string[Callers];
            for (var i = 0; i < Callers; i++)
            {
                sessions[i] = (await client.CreateSessionAsync("bench", cancellationToken: cancellationToken)).Id;
                for (var c = 0; c < 3; c++)
                {
                    await client.RegisterMcpClientAsync("bench", sessions[i], $"server{c}", new RegisterClientRequest($"http://server{c}/mcp", "connected", 12), cancellationToken);
                }
            }
            var touchRequests = sessions.Select(sid => $"sessions/{sid}/touch").ToArray();

            // Warm-up (JIT, tiering, connection pools) for both sides, not reported.
            await LoadLoop.RunAsync(Callers, TimeSpan.FromSeconds(3), async (i, ct) =>
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, touchRequests[i]);
                request.Headers.TryAddWithoutValidation(StateServiceClient.PrincipalHeader, "bench");
                using var response = await http.SendAsync(request, ct).ConfigureAwait(false);
            }, cancellationToken);

            // Raw HTTP: the API alone, no typed-client overhead.
            var overHttp = await LoadLoop.RunAsync(Callers, duration, async (i, ct) =>
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, touchRequests[i]);
                request.Headers.TryAddWithoutValidation(StateServiceClient.PrincipalHeader, "bench");
                using var response = await http.SendAsync(request, ct).ConfigureAwait(false);
                if (response.StatusCode != System.Net.HttpStatusCode.NoContent)
                {
                    throw new InvalidOperationException($"touch answered {(int)response.StatusCode}");
                }
            }, cancellationToken);

            var viaClient = await LoadLoop.RunAsync(Callers, duration, async (i, ct) =>
            {
                if (!await client.TouchSessionAsync("bench", sessions[i], ct).ConfigureAwait(false))
                {
                    throw new InvalidOperationException("session vanished");
                }
            }, cancellationToken);

            var getViaClient = await LoadLoop.RunAsync(Callers, duration, async (i, ct) =>
            {
                _ = await client.GetSessionAsync("bench", sessions[i], ct).ConfigureAwait(false) ?? throw new InvalidOperationException("session vanished");
            }, cancellationToken);

            // Baseline: the very script the service runs, sent directly (what the API costs on top of Redis).
            var keys = sessions.Select(sid => new RedisKey[] { $"mcp:{{{sid}}}:session", $"mcp:{{{sid}}}:clients", $"mcp:{{{sid}}}:events" }).ToArray();
            var direct = await LoadLoop.RunAsync(Callers, duration, async (i, ct) =>
            {
                var result = await db.ScriptEvaluateAsync(McpAspire.StateService.Storage.StateScripts.TouchSession, keys[i],
                    ["bench", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), $"mcp:{{{sessions[i]}}}:client:"]).ConfigureAwait(false);
                if (result.IsNull)
                {
                    throw new InvalidOperationException("session vanished");
                }
            }, cancellationToken);

            BenchResult.Report(Name_, "touch_http_ops_per_s", overHttp.PerSecond, "ops/s", direct.PerSecond);
            BenchResult.Report(Name_, "touch_http_p50", overHttp.P50Ms, "ms");
            BenchResult.Report(Name_, "touch_http_p99", overHttp.P99Ms, "ms");
            BenchResult.Report(Name_, "touch_typed_client_ops_per_s", viaClient.PerSecond, "ops/s", direct.PerSecond);
            BenchResult.Report(Name_, "get_typed_client_ops_per_s", getViaClient.PerSecond, "ops/s", direct.PerSecond);
            BenchResult.Report(Name_, "touch_redis_direct_ops_per_s", direct.PerSecond, "ops/s");
            errors += overHttp.Errors + viaClient.Errors + getViaClient.Errors + direct.Errors;

            // Round trips: commands Redis executed per touch, counted by the server itself.
            await db.ExecuteAsync("CONFIG", "RESETSTAT");
            const int probeTouches = 2000;
            for (var i = 0; i < probeTouches; i++)
            {
                await client.TouchSessionAsync("bench", sessions[i % Callers], cancellationToken);
            }
            var stats = (string)(await db.ExecuteAsync("INFO", "commandstats"))!;
            // A round trip is one command sent by a client; commands a script runs inside Redis are counted apart.
            BenchResult.Report(Name_, "redis_round_trips_per_touch", (double)CommandCalls(stats, "evalsha") / probeTouches, "round trips");
            BenchResult.Report(Name_, "redis_commands_inside_script_per_touch", (double)CommandCalls(stats, null) / probeTouches, "commands");

            // Memory: 10,000 idle sessions with 3 MCP client records each.
            await db.ExecuteAsync("FLUSHALL");
            var before = UsedMemory((string)(await db.ExecuteAsync("INFO", "memory"))!);
            const int memorySessions = 10_000;
            var created = 0;
            await Parallel.ForEachAsync(Enumerable.Range(0, memorySessions), new ParallelOptions { MaxDegreeOfParallelism = Callers, CancellationToken = cancellationToken }, async (_, ct) =>
            {
                var principal = "mem-" + (Interlocked.Increment(ref created) % 100).ToString(CultureInfo.InvariantCulture);
                var sid = (await client.CreateSessionAsync(principal, cancellationToken: ct).ConfigureAwait(false)).Id;
                for (var c = 0; c < 3; c++)
                {
                    if (await client.RegisterMcpClientAsync(principal, sid, $"server{c}", new RegisterClientRequest($"http://server{c}.example:8080/mcp", "connected", 12, "ds-" + c), ct).ConfigureAwait(false) is null)
                    {
                        throw new InvalidOperationException("register failed");
                    }
                }
            });
            var after = UsedMemory((string)(await db.ExecuteAsync("INFO", "memory"))!);
            BenchResult.Report(Name_, "redis_bytes_per_idle_session_3_clients", (after - before) / (double)memorySessions, "bytes");
        }
        finally
        {
            await app.StopAsync(CancellationToken.None);
            await app.DisposeAsync();
        }
        BenchResult.ReportFooter(Name_, errors);
        return 0;
    }

    /// <summary>Calls of one command (or, with null, of every command but the script calls and this probe's own).</summary>
    private static long CommandCalls(string commandStats, string? command)
    {
        long total = 0;
        foreach (var line in commandStats.Split('\n'))
        {
            // cmdstat_evalsha:calls=2000,usec=...
            var name = line.StartsWith("cmdstat_", StringComparison.Ordinal) ? line[8..line.IndexOf(':', StringComparison.Ordinal)] : null;
            if (name is not null && (command is null ? name is not ("info" or "config" or "evalsha" or "eval") : name == command))
            {
                var start = line.IndexOf("calls=", StringComparison.Ordinal) + 6;
                var end = line.IndexOf(',', start);
                total += long.Parse(line.AsSpan(start, end - start), CultureInfo.InvariantCulture);
            }
        }
        return total;
    }

    private static long UsedMemory(string info)
    {
        foreach (var line in info.Split('\n'))
        {
            if (line.StartsWith("used_memory:", StringComparison.Ordinal))
            {
                return long.Parse(line.AsSpan(12).Trim(), CultureInfo.InvariantCulture);
            }
        }
        throw new InvalidOperationException("INFO memory has no used_memory.");
    }
}
