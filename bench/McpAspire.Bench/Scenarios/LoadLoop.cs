using System.Diagnostics;

namespace McpAspire.Bench.Scenarios;

/// <summary>Runs an operation from N concurrent callers for a fixed time and reports throughput, latency and errors.</summary>
public static class LoadLoop
{
    /// <summary>What a run measured.</summary>
    public sealed record Result(long Operations, long Errors, double Seconds, double P50Ms, double P99Ms)
    {
        public double PerSecond => Operations / Seconds;

        /// <summary>Bytes allocated by the whole process during the measured run (every component in it), per operation.</summary>
        public double AllocatedBytesPerOperation { get; init; }

        /// <summary>CPU time of the whole process in user mode during the measured run, per operation (µs).</summary>
        public double UserCpuMicrosecondsPerOperation { get; init; }

        /// <summary>CPU time of the whole process in the kernel (sockets, scheduling) during the measured run, per operation (µs).</summary>
        public double KernelCpuMicrosecondsPerOperation { get; init; }
    }

    /// <summary>The runs of one load path over several rounds, and its best and worst by throughput.</summary>
    public sealed record Rounds(IReadOnlyList<Result> Runs)
    {
        public Result Best => Runs.MaxBy(r => r.PerSecond)!;

        public Result Worst => Runs.MinBy(r => r.PerSecond)!;

        public long Errors => Runs.Sum(r => r.Errors);
    }

    /// <summary>
    /// Runs every path in turn, <paramref name="rounds"/> times over, so neither the order nor a drift in machine load
    /// during the run favours one path; compare the paths' <see cref="Rounds.Best"/>.
    /// </summary>
    public static async Task<Rounds[]> AlternateAsync(int callers, TimeSpan duration, int rounds, IReadOnlyList<Func<int, CancellationToken, Task>> paths, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(paths);
        var runs = paths.Select(_ => new List<Result>(rounds)).ToArray();
        for (var round = 0; round < rounds; round++)
        {
            for (var i = 0; i < paths.Count; i++)
            {
                runs[i].Add(await RunAsync(callers, duration, paths[i], cancellationToken).ConfigureAwait(false));
            }
        }
        return runs.Select(r => new Rounds(r)).ToArray();
    }

    /// <summary>The faster of two runs (<paramref name="best"/> may be null before the first).</summary>
    public static Result Better(Result? best, Result next)
    {
        ArgumentNullException.ThrowIfNull(next);
        return best is null || next.PerSecond > best.PerSecond ? next : best;
    }

    /// <summary>Warms up briefly, then runs <paramref name="operation"/> from <paramref name="callers"/> loops for <paramref name="duration"/>.</summary>
    public static async Task<Result> RunAsync(int callers, TimeSpan duration, Func<int, CancellationToken, Task> operation, CancellationToken cancellationToken)
    {
        // Long enough for tiered JIT to settle, so the first scenario measured is not penalised.
        await RunCoreAsync(callers, TimeSpan.FromSeconds(3), operation, null, cancellationToken).ConfigureAwait(false);
        var latencies = new List<double>[callers];
        for (var i = 0; i < callers; i++)
        {
            latencies[i] = new List<double>(100_000);
        }
        using var process = Process.GetCurrentProcess();
        var userBefore = process.UserProcessorTime;
        var kernelBefore = process.PrivilegedProcessorTime;
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: false);
        var (ops, errors, seconds) = await RunCoreAsync(callers, duration, operation, latencies, cancellationToken).ConfigureAwait(false);
        var allocated = GC.GetTotalAllocatedBytes(precise: false) - allocatedBefore;
        process.Refresh();
        var user = process.UserProcessorTime - userBefore;
        var kernel = process.PrivilegedProcessorTime - kernelBefore;
        var all = latencies.SelectMany(l => l).Order().ToArray();
        var perOperation = ops == 0 ? 0 : 1.0 / ops;
        return new Result(ops, errors, seconds, Percentile(all, 0.50), Percentile(all, 0.99))
        {
            AllocatedBytesPerOperation = allocated * perOperation,
            UserCpuMicrosecondsPerOperation = user.TotalMicroseconds * perOperation,
            KernelCpuMicrosecondsPerOperation = kernel.TotalMicroseconds * perOperation,
        };
    }

    private static async Task<(long Ops, long Errors, double Seconds)> RunCoreAsync(int callers, TimeSpan duration, Func<int, CancellationToken, Task> operation, List<double>[]? latencies, CancellationToken cancellationToken)
    {
        long ops = 0, errors = 0;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var sw = Stopwatch.StartNew();
        stop.CancelAfter(duration);
        var workers = Enumerable.Range(0, callers).Select(i => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var start = Stopwatch.GetTimestamp();
                try
                {
                    await operation(i, CancellationToken.None).ConfigureAwait(false);
                    Interlocked.Increment(ref ops);
                    latencies?[i].Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                }
                catch (Exception) when (!cancellationToken.IsCancellationRequested)
                {
                    Interlocked.Increment(ref errors);
                }
            }
        }, CancellationToken.None)).ToArray();
        await Task.WhenAll(workers).ConfigureAwait(false);
        return (ops, errors, sw.Elapsed.TotalSeconds);
    }

    private static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
}
