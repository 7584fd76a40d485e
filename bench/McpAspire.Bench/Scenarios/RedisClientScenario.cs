using System.Diagnostics;
using System.Globalization;
using StackExchange.Redis;
using McpAspire.TestSupport;

namespace McpAspire.Bench.Scenarios;

/// <summary>
/// <c>redis-client</c>: StackExchange.Redis as we configure it against <c>redis-benchmark</c> on the same redis-server in the same run.
/// (a) 50 concurrent callers each awaiting one command at a time vs <c>-c 50</c>; (b) 50 callers sending batches of 16
/// vs <c>-c 50 -P 16</c>; plus bytes allocated per GET. Args: [requests per test, default 200000] [rounds, default 2].
/// </summary>
public sealed class RedisClientScenario : IScenario
{
    private const int Callers = 50;
    private const int Batch = 16;

    public string Name => "redis-client";

    public async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var requests = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 200_000;
        var rounds = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 2;
        await using var server = await RedisServerProcess.StartAsync(RedisServerKind.Redis, cancellationToken: cancellationToken);
        // StackExchange.Redis exactly as the services configure it (AddDefaultRedisClient's settings).
        var options = ConfigurationOptions.Parse(server.ConnectionString);
        Microsoft.Extensions.Hosting.RedisClientDefaults.Apply(options, Microsoft.Extensions.Hosting.RedisClientDefaults.DefaultCommandTimeout);
        await using var client = await ConnectionMultiplexer.ConnectAsync(options);
        var db = client.GetDatabase();
        // redis-benchmark's keys and 3-byte value, so both sides move the same bytes.
        await db.StringSetAsync("key:__rand_int__", "xxx");
        long errors = 0;

        await RunOursAsync(db, 20_000, 1, get: true, cancellationToken); // warm-up (JIT, tiering)

        var best = new Dictionary<string, double>();
        void Keep(string name, double value) => best[name] = Math.Max(best.GetValueOrDefault(name), value);
        for (var round = 0; round < rounds; round++)
        {
            foreach (var pipeline in new[] { 1, Batch })
            {
                var baseline = await RunRedisBenchmarkAsync(server, requests, pipeline, cancellationToken);
                Keep($"set_p{pipeline}_baseline", baseline["SET"]);
                Keep($"get_p{pipeline}_baseline", baseline["GET"]);
                var set = await RunOursAsync(db, requests, pipeline, get: false, cancellationToken);
                var get = await RunOursAsync(db, requests, pipeline, get: true, cancellationToken);
                errors += set.Errors + get.Errors;
                Keep($"set_p{pipeline}", set.OpsPerSecond);
                Keep($"get_p{pipeline}", get.OpsPerSecond);
                if (pipeline == 1)
                {
                    best["get_alloc"] = best.TryGetValue("get_alloc", out var a) ? Math.Min(a, get.BytesPerOp) : get.BytesPerOp;
                }
            }
        }

        foreach (var pipeline in new[] { 1, Batch })
        {
            var suffix = pipeline == 1 ? "c50" : "c50_p16";
            BenchResult.Report(Name, $"set_ops_{suffix}", best[$"set_p{pipeline}"], "ops/s", best[$"set_p{pipeline}_baseline"]);
            BenchResult.Report(Name, $"get_ops_{suffix}", best[$"get_p{pipeline}"], "ops/s", best[$"get_p{pipeline}_baseline"]);
        }
        BenchResult.Report(Name, "get_alloc_per_op_c50", best["get_alloc"], "bytes");
        BenchResult.ReportFooter(Name, errors);
        return errors == 0 ? 0 : 1;
    }

    private readonly record struct Outcome(double OpsPerSecond, double BytesPerOp, long Errors);

    /// <summary>50 callers; each sends <paramref name="pipeline"/> commands, then awaits them in order.</summary>
    private static async Task<Outcome> RunOursAsync(IDatabase db, int requests, int pipeline, bool get, CancellationToken cancellationToken)
    {
        var perCaller = requests / Callers;
        long errors = 0;
        RedisKey key = "key:__rand_int__";
        RedisValue value = "xxx";
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var start = Stopwatch.GetTimestamp();
        var callers = new Task[Callers];
        for (var c = 0; c < Callers; c++)
        {
            callers[c] = Task.Run(async () =>
            {
                var pending = new Task[pipeline];
                for (var done = 0; done < perCaller; done += pipeline)
                {
                    for (var i = 0; i < pipeline; i++)
                    {
                        pending[i] = get ? db.StringGetAsync(key) : db.StringSetAsync(key, value);
                    }
                    for (var i = 0; i < pipeline; i++)
                    {
                        try
                        {
                            await pending[i].ConfigureAwait(false);
                        }
                        catch (Exception ex) when (ex is RedisException or RedisTimeoutException)
                        {
                            Interlocked.Increment(ref errors);
                        }
                    }
                }
            }, cancellationToken);
        }
        await Task.WhenAll(callers);
        var elapsed = Stopwatch.GetElapsedTime(start);
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        var ops = (double)perCaller * Callers;
        return new Outcome(ops / elapsed.TotalSeconds, allocated / ops, errors);
    }

    /// <summary>Runs redis-benchmark -t set,get -c 50 [-P n] --csv and returns requests/s per test.</summary>
    private static async Task<Dictionary<string, double>> RunRedisBenchmarkAsync(RedisServerProcess server, int requests, int pipeline, CancellationToken cancellationToken)
    {
        var psi = new ProcessStartInfo("redis-benchmark")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "-h", "127.0.0.1", "-p", server.Port.ToString(CultureInfo.InvariantCulture), "-a", server.Password, "-t", "set,get", "-c", Callers.ToString(CultureInfo.InvariantCulture), "-n", requests.ToString(CultureInfo.InvariantCulture), "-P", pipeline.ToString(CultureInfo.InvariantCulture), "--csv" })
        {
            psi.ArgumentList.Add(arg);
        }
        using var process = Process.Start(psi) ?? throw new InvalidOperationException("redis-benchmark did not start.");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        var results = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var line in (await stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var cells = line.Split(',').Select(c => c.Trim().Trim('"')).ToArray();
            if (cells.Length >= 2 && double.TryParse(cells[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var rps))
            {
                results[cells[0]] = rps;
            }
        }
        if (!results.ContainsKey("SET") || !results.ContainsKey("GET"))
        {
            throw new InvalidOperationException($"redis-benchmark gave no SET/GET figures (exit {process.ExitCode}): {await stdout} {await stderr}");
        }
        return results;
    }
}
